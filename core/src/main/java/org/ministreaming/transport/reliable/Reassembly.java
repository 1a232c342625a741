package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;

/**
 * Joins the segments of a peer's messages as they are handed on in order: a data frame with the
 * {@link Frame#MORE} flag is a segment with more to follow, the next frame without it ends the
 * message. A message in one frame passes through without a copy; segments are copied into one
 * buffer, which never grows beyond {@link #LIMIT} bytes, so a peer that sends segments which never
 * end cannot hold more than that.
 *
 * <p>Not thread-safe: guarded by its {@link Peer}'s lock.
 */
final class Reassembly {

    /** The largest message sent in segments and put together again, in bytes: twice a full ministreaming data message. */
    static final int LIMIT = 65536;

    private byte[] buffer;
    private int length;
    private boolean started;

    /**
     * Takes the next frame in sequence order.
     *
     * @return the message it completes (a view of the frame's payload if it came whole), or
     *     {@code null} if more segments are to follow
     * @throws IllegalStateException if the segments so far add up to more than {@link #LIMIT}
     *     bytes; the partial message is dropped
     */
    ByteBuffer take(Frame frame) {
        ByteBuffer payload = frame.payload();
        boolean more = frame.hasMore();
        if (!started && !more) {
            return payload;
        }
        if (length + payload.remaining() > LIMIT) {
            int total = length + payload.remaining();
            clear();
            throw new IllegalStateException("segments of more than " + LIMIT + " bytes (" + total + " so far) for one message");
        }
        if (buffer == null || buffer.length < length + payload.remaining()) {
            byte[] larger = new byte[Math.min(LIMIT, Math.max(2 * (length + payload.remaining()), 4096))];
            if (buffer != null) {
                System.arraycopy(buffer, 0, larger, 0, length);
            }
            buffer = larger;
        }
        payload.duplicate().get(buffer, length, payload.remaining());
        length += payload.remaining();
        started = true;
        if (more) {
            return null;
        }
        ByteBuffer message = ByteBuffer.wrap(buffer, 0, length).slice().asReadOnlyBuffer();
        buffer = null;
        length = 0;
        started = false;
        return message;
    }

    /** Bytes of a message begun and not yet complete. */
    int partial() {
        return length;
    }

    /** Whether a message was begun in segments and not yet completed. */
    boolean inProgress() {
        return started;
    }

    /** Drops a partial message: its peer started afresh. */
    void clear() {
        buffer = null;
        length = 0;
        started = false;
    }
}
