package org.ministreaming.transport.tcp;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of one size, lent to links for a read or a write and given back when it is
 * done, so that an idle link holds none and a busy one reuses the same few. At most
 * {@code keep} free buffers are kept; more are left to the garbage collector.
 *
 * <p>Thread-safe.
 */
final class DirectBuffers {

    private final int size;
    private final int keep;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    /**
     * @param size bytes of each buffer
     * @param keep free buffers kept at most
     */
    DirectBuffers(int size, int keep) {
        this.size = size;
        this.keep = keep;
    }

    /** A cleared buffer of {@link #size()} bytes, from those given back or new. */
    ByteBuffer take() {
        ByteBuffer buffer = free.poll();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(size);
        }
        kept.decrementAndGet();
        return buffer;
    }

    /** Gives back a buffer {@link #take} lent; the caller uses it no more. */
    void give(ByteBuffer buffer) {
        buffer.clear();
        if (kept.incrementAndGet() <= keep) {
            free.offer(buffer);
        } else {
            kept.decrementAndGet();
        }
    }

    /** Bytes of each buffer. */
    int size() {
        return size;
    }
}
