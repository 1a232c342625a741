package org.ministreaming.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.ministreaming.wire.Message;

/**
 * Arrays for full data messages ({@value Connection#MAX_DATA_PER_MESSAGE} data bytes), reused once
 * the transport has copied the message out of them ({@link org.ministreaming.transport.Transport#sendLent}),
 * so that a bulk writer lays each message out in memory that is warm in the cache instead of in a
 * fresh array. At most {@code keep} free arrays are kept; more are left to the garbage collector.
 *
 * <p>Thread-safe.
 */
final class MessageArrays {

    /** Bytes of each array: the header and a full payload. */
    static final int SIZE = Message.HEADER_LENGTH + Connection.MAX_DATA_PER_MESSAGE;

    private final int keep;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    /** @param keep free arrays kept at most */
    MessageArrays(int keep) {
        this.keep = keep;
    }

    /** A free array, or a new one. */
    byte[] take() {
        byte[] array = free.poll();
        if (array == null) {
            return new byte[SIZE];
        }
        kept.decrementAndGet();
        return array;
    }

    /** Gives back an array {@link #take} gave, which nothing reads any more. */
    void give(byte[] array) {
        if (kept.incrementAndGet() <= keep) {
            free.offer(array);
        } else {
            kept.decrementAndGet();
        }
    }
}
