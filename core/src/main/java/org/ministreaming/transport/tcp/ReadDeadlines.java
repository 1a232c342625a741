package org.ministreaming.transport.tcp;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The deadlines of a link's reading: the hello (over TLS, the handshake and the hello together)
 * within the connect timeout of the link's start; every later frame (or TLS record), once its
 * first byte came, within the frame timeout; and, while this side has sent nothing over the
 * link, the next message within the idle timeout of the last. A link that carries a connection
 * is not idle-checked here: its peer session decides when it is forgotten. The link's loop asks {@link #check} for the deadline
 * and wakes up for it.
 *
 * <p>Not thread-safe: the link's loop uses it.
 */
final class ReadDeadlines {

    private final boolean tls;
    private final long helloNanos;
    private final long frameNanos;
    private final long idleNanos;
    private final long startedAt;
    private boolean helloDone;
    private long lastMessageAt;
    /** When the frame being read began ({@link System#nanoTime}), or {@code -1} between frames. */
    private long frameStart = -1;
    /** Whether this side has sent a message over the link: then it carries something of ours. */
    private final BooleanSupplier used;

    /**
     * @param tls whether the link is over TLS, whose handshake comes before the hello
     * @param helloMillis connect timeout: for the handshake and the hello
     * @param frameMillis for each frame once begun
     * @param idleMillis for the next message while this side has sent none; 0 for no limit
     * @param used whether this side has sent a message over the link
     */
    ReadDeadlines(boolean tls, long helloMillis, long frameMillis, long idleMillis, BooleanSupplier used) {
        this.tls = tls;
        this.used = used;
        this.helloNanos = TimeUnit.MILLISECONDS.toNanos(helloMillis);
        this.frameNanos = TimeUnit.MILLISECONDS.toNanos(frameMillis);
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.startedAt = System.nanoTime();
    }

    /** The hello arrived: frame and idle deadlines from now on. */
    void helloReceived() {
        helloDone = true;
        lastMessageAt = System.nanoTime();
    }

    /** Whether the hello arrived. */
    boolean helloDone() {
        return helloDone;
    }

    /**
     * A read ended: a frame (or TLS record) begun now or still, or none. A frame begins when the
     * first read leaves one incomplete, or when whole frames came before an incomplete one.
     *
     * @param incomplete whether bytes of an incomplete frame or record are held
     * @param whole whether this read completed a frame
     */
    void read(boolean incomplete, boolean whole) {
        if (!incomplete) {
            frameStart = -1;
        } else if (whole || frameStart < 0) {
            frameStart = System.nanoTime();
        }
    }

    /** A message arrived. */
    void messageReceived() {
        if (idleNanos > 0 && !used.getAsBoolean()) {
            lastMessageAt = System.nanoTime();
        }
    }

    /**
     * The deadline that applies now.
     *
     * @param now {@link System#nanoTime} now
     * @return when the reader must have read more ({@link System#nanoTime}), or
     *     {@link Long#MAX_VALUE} if no deadline applies
     * @throws BadPeerException if that deadline has passed
     */
    long check(long now) throws BadPeerException {
        Deadline kind;
        long deadline;
        if (!helloDone) {
            kind = Deadline.HELLO;
            deadline = startedAt + helloNanos;
        } else if (frameStart >= 0) {
            kind = Deadline.FRAME;
            deadline = frameStart + frameNanos;
        } else if (idleNanos > 0 && !used.getAsBoolean()) {
            kind = Deadline.IDLE;
            deadline = lastMessageAt + idleNanos;
        } else {
            return Long.MAX_VALUE;
        }
        if (deadline - now <= 0) {
            throw new BadPeerException(expiry(kind));
        }
        return deadline;
    }

    private enum Deadline { HELLO, FRAME, IDLE }

    /** What a missed deadline means, worded only when one is missed: reads of a frame are the receive path. */
    private String expiry(Deadline kind) {
        return switch (kind) {
            case HELLO -> (tls ? "no TLS handshake and hello within " : "no hello within ")
                    + TimeUnit.NANOSECONDS.toMillis(helloNanos) + " ms";
            case FRAME -> "a frame was begun and not finished within " + TimeUnit.NANOSECONDS.toMillis(frameNanos)
                    + " ms (frameTimeout)";
            case IDLE -> "the link carried no message for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                    + " ms and none of ours (idleTimeout)";
        };
    }
}
