package org.ministreaming.transport.tcp;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.ministreaming.pipe.FreeList;

/**
 * Direct buffers of one size, lent to links for a read or a write and given back when it is
 * done, so that an idle link holds none and a busy one reuses the same few. At most
 * {@code keep} free buffers are kept; more are left to the garbage collector.
 *
 * <p>A read buffer whose frames are lent to the receiver ({@link ReadBuffer}) is out on loan until
 * the last of them comes back; at most {@code loans} buffers are out on loan at once, so that
 * frames held unread cannot pin more than that much direct memory, however few bytes each holds.
 *
 * <p>Thread-safe.
 */
final class DirectBuffers {

    private final int size;
    private final FreeList<ByteBuffer> free;
    private final int loans;
    private final AtomicInteger onLoan = new AtomicInteger();

    /**
     * @param size bytes of each buffer
     * @param keep free buffers kept at most
     * @param loans buffers out on loan at most
     */
    DirectBuffers(int size, int keep, int loans) {
        this.size = size;
        this.free = new FreeList<>(keep, () -> ByteBuffer.allocateDirect(size));
        this.loans = loans;
    }

    /** A cleared buffer of {@link #size()} bytes, from those given back or new. */
    ByteBuffer take() {
        return free.take();
    }

    /** Gives back a buffer {@link #take} lent; the caller uses it no more. */
    void give(ByteBuffer buffer) {
        free.give(buffer.clear());
    }

    /** Counts one more buffer out on loan, if fewer than the most are. */
    boolean tryLoan() {
        if (onLoan.incrementAndGet() <= loans) {
            return true;
        }
        onLoan.decrementAndGet();
        return false;
    }

    /** A buffer out on loan came back, all of it. */
    void loanEnded() {
        onLoan.decrementAndGet();
    }

    /** Buffers out on loan at most. */
    int loans() {
        return loans;
    }

    /** Buffers out on loan now. */
    int onLoan() {
        return onLoan.get();
    }

    /** Bytes of each buffer. */
    int size() {
        return size;
    }
}
