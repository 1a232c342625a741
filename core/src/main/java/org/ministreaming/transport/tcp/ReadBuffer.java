package org.ministreaming.transport.tcp;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A pooled direct buffer a link's loop reads into, whose whole frames it may lend to the receiver
 * as views instead of copying them out. The buffer goes back to its pool once the link has let go
 * of it ({@link #letGo}) and every view it lent has been given back, so that no byte a view shows
 * changes while the view is held. The loop writes only past what it has lent: it reads on at the
 * position, and once a view is out it never compacts the buffer; over TLS it moves an unfinished
 * frame into a fresh buffer instead ({@link #moveTail}), and a plain link never needs to, as
 * {@link ChannelLink} reads.
 *
 * <p>Thread-safe: views are given back from any thread; everything else is the loop's.
 */
final class ReadBuffer {

    private final DirectBuffers pool;
    private final ByteBuffer bytes;
    /** The same memory, read-only, that lent views are cut from. */
    private final ByteBuffer readOnly;
    /** The link's own hold until {@link #letGo}, plus one per view lent and not given back. */
    private final AtomicInteger holds = new AtomicInteger(1);
    /** Whether this buffer counts as out on loan in its pool. Loop only, before the first view goes out. */
    private boolean onLoan;

    private ReadBuffer(DirectBuffers pool) {
        this.pool = pool;
        this.bytes = pool.take();
        this.readOnly = bytes.asReadOnlyBuffer();
    }

    /** A cleared buffer from {@code pool}, held by the link. */
    static ReadBuffer take(DirectBuffers pool) {
        return new ReadBuffer(pool);
    }

    /** The buffer the loop reads into at its position; the bytes before it were read earlier. */
    ByteBuffer bytes() {
        return bytes;
    }

    /**
     * Lends the {@code length} bytes at index {@code offset} as a read-only view, unless the pool
     * has as many buffers out on loan as it allows.
     *
     * @return the view and what gives it back, or {@code null} if the frame must be copied
     */
    Loan lend(int offset, int length) {
        if (!onLoan) {
            if (!pool.tryLoan()) {
                return null;
            }
            onLoan = true;
        }
        holds.incrementAndGet();
        return new Loan(readOnly.slice(offset, length));
    }

    /** Whether a view of this buffer was ever lent: if so its bytes must stay where they are. */
    boolean lent() {
        return onLoan;
    }

    /**
     * A fresh buffer from the same pool holding the bytes from index {@code from} to the position
     * (an unfinished frame), at its start; this one is let go.
     */
    ReadBuffer moveTail(int from) {
        ReadBuffer next = new ReadBuffer(pool);
        next.bytes.put(0, bytes, from, bytes.position() - from).position(bytes.position() - from);
        letGo();
        return next;
    }

    /**
     * One holder lets go: the link, which reads into this buffer no more, or a view given back.
     * The buffer goes back to the pool when the last one does.
     */
    void letGo() {
        int left = holds.decrementAndGet();
        if (left == 0) {
            if (onLoan) {
                pool.loanEnded();
            }
            pool.give(bytes);
        } else if (left < 0) {
            throw new IllegalStateException("a read buffer was let go more often than it was held");
        }
    }

    /**
     * One frame lent: the view, and the give-back the receiver runs when it reads the view no
     * more. Runs after the first have no effect. Thread-safe.
     */
    final class Loan implements Runnable {

        private static final AtomicIntegerFieldUpdater<Loan> GIVEN = AtomicIntegerFieldUpdater.newUpdater(Loan.class, "given");

        private final ByteBuffer view;
        private volatile int given;

        private Loan(ByteBuffer view) {
            this.view = view;
        }

        /** The frame's bytes, read-only; unchanged until this loan is given back. */
        ByteBuffer view() {
            return view;
        }

        @Override
        public void run() {
            if (GIVEN.compareAndSet(this, 0, 1)) {
                letGo();
            }
        }
    }
}
