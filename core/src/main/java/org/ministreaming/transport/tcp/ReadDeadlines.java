package org.ministreaming.transport.tcp;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The deadlines of a link's reading: the TLS handshake and the hello together within the connect
 * timeout of the link's start; every later frame (or TLS record), once its first byte came, within
 * the frame timeout; and, while this side has sent nothing over the link, the next message within
 * the idle timeout of the last. A link that carries a connection is not idle-checked here: its
 * peer session decides when it is forgotten. The link's loop asks {@link #check} for the deadline
 * and wakes up for it.
 *
 * <p>Not thread-safe: the link's loop uses it.
 */
final class ReadDeadlines {

    private final long helloNanos;
    private final long frameNanos;
    private final long idleNanos;
    private final long startedAt;
    private boolean helloDone;
    private long lastMessageAt;
    /** Whether this side has sent a message over the link: then it carries something of ours. */
    private final BooleanSupplier used;

    /**
     * @param helloMillis connect timeout: for the handshake and the hello
     * @param frameMillis for each frame once begun
     * @param idleMillis for the next message while this side has sent none; 0 for no limit
     * @param used whether this side has sent a message over the link
     */
    ReadDeadlines(long helloMillis, long frameMillis, long idleMillis, BooleanSupplier used) {
        this.used = used;
        this.helloNanos = TimeUnit.MILLISECONDS.toNanos(helloMillis);
        this.frameNanos = TimeUnit.MILLISECONDS.toNanos(frameMillis);
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.startedAt = System.nanoTime();
    }

    /** The hello arrived: frame and idle deadlines from now on. */
    void helloDone() {
        helloDone = true;
        lastMessageAt = System.nanoTime();
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
     * @param frameStartNanos when the frame being read began, or {@code -1} between frames
     * @param now {@link System#nanoTime} now
     * @return when the reader must have read more ({@link System#nanoTime}), or
     *     {@link Long#MAX_VALUE} if no deadline applies
     * @throws BadPeerException if that deadline has passed
     */
    long check(long frameStartNanos, long now) throws BadPeerException {
        Deadline kind;
        long deadline;
        if (!helloDone) {
            kind = Deadline.HELLO;
            deadline = startedAt + helloNanos;
        } else if (frameStartNanos >= 0) {
            kind = Deadline.FRAME;
            deadline = frameStartNanos + frameNanos;
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
            case HELLO -> "no TLS handshake and hello within " + TimeUnit.NANOSECONDS.toMillis(helloNanos) + " ms";
            case FRAME -> "a frame was begun and not finished within " + TimeUnit.NANOSECONDS.toMillis(frameNanos)
                    + " ms (frameTimeout)";
            case IDLE -> "the link carried no message for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                    + " ms and none of ours (idleTimeout)";
        };
    }
}
