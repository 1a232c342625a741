package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's inbound bytes: a bounded queue of payload views between the receive path,
 * which never waits, and the reader, which may.
 *
 * <p>Two bounds hold for what is buffered. The buffer's own {@linkplain #bound bound} is either a
 * flow-control window, counted in data bytes as the credit rules count them, or the allowance of
 * a connection without flow control, counted in charged bytes: each message its payload plus
 * {@link EngineSettings#BUFFERED_MESSAGE_OVERHEAD}. And every message, either way, is charged to the
 * manager's {@link ReceiveBudget} through an account, reserved before it is kept and released as
 * the reader consumes it, when it is {@linkplain #discard discarded} or when the socket closes.
 *
 * <p>Ending it four ways: {@link #finish()} (the peer closed: the reader drains what is
 * buffered, then sees EOF), {@link #fail(IOException)} (the reader drains, then gets the
 * exception), {@link #discard(IOException)} (the bytes are dropped at once and the reader gets
 * the exception) and {@link #closeLocally()} (the reader's own socket closed: a blocked or later
 * read fails at once). Thread-safe: one lock guards the state, and the account is used only under
 * it; readers wait on its condition and are woken exactly when something changes.
 */
final class ReceiveBuffer {

    /** What {@link #offer} did with a payload. */
    enum Offer {
        /** Kept; or dropped silently because the buffer has ended. */
        TAKEN,
        /** Not kept: it does not fit within the buffer's own bound. */
        BEYOND_BOUND,
        /** Not kept: the manager's budget has no room for it. */
        BEYOND_BUDGET
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final ReceiveBudget<?>.Account account;
    private long limit;
    private boolean countsOverhead;
    private int buffered;
    /** {@code buffered} plus the overhead of each chunk: what the account holds. */
    private long charged;
    private int highWater;
    private boolean finished;
    private IOException failure;
    private boolean closedLocally;

    /**
     * @param account where every kept message is charged
     * @param bytes the first bound, as {@link #bound} takes it
     * @param overhead whether the bound counts the per-message overhead
     */
    ReceiveBuffer(ReceiveBudget<?>.Account account, long bytes, boolean overhead) {
        this.account = account;
        bound(bytes, overhead);
    }

    /**
     * Sets how much the buffer holds ahead of its reader: a flow-control window in data bytes
     * ({@code overhead} false), or an allowance in charged bytes ({@code overhead} true).
     */
    void bound(long bytes, boolean overhead) {
        lock.lock();
        try {
            this.limit = bytes;
            this.countsOverhead = overhead;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a payload without waiting.
     *
     * @param payload a view the buffer may keep; it is never changed by anyone
     * @return whether it was taken, or which bound it does not fit in (nothing is added then)
     */
    Offer offer(ByteBuffer payload) {
        int length = payload.remaining();
        long charge = (long) length + EngineSettings.BUFFERED_MESSAGE_OVERHEAD;
        lock.lock();
        try {
            if (finished || failure != null || closedLocally || length == 0) {
                return Offer.TAKEN;
            }
            if (countsOverhead ? charge > limit - charged : length > limit - buffered) {
                return Offer.BEYOND_BOUND;
            }
            if (!account.tryReserve(charge)) {
                return Offer.BEYOND_BUDGET;
            }
            chunks.addLast(payload);
            buffered += length;
            charged += charge;
            highWater = Math.max(highWater, buffered);
            changed.signalAll();
            return Offer.TAKEN;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads at least one byte, waiting up to {@code timeoutMillis} (0: no limit).
     *
     * @return the number of bytes read, or -1 at end of stream
     * @throws SocketTimeoutException if nothing arrived in time
     * @throws InterruptedIOException if interrupted, with the interrupt flag kept
     * @throws IOException the failure given to {@link #fail}, or if closed locally
     */
    int read(byte[] target, int offset, int length, long timeoutMillis) throws IOException {
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (chunks.isEmpty()) {
                if (closedLocally) {
                    throw new SocketException("Socket closed");
                }
                if (failure != null) {
                    throw Failures.again(failure);
                }
                if (finished) {
                    return -1;
                }
                if (timeoutMillis == 0) {
                    changed.await();
                } else if (remaining <= 0) {
                    throw new SocketTimeoutException("Read timed out after " + timeoutMillis + " ms");
                } else {
                    remaining = changed.awaitNanos(remaining);
                }
            }
            if (closedLocally) {
                throw new SocketException("Socket closed");
            }
            int copied = 0;
            long released = 0;
            while (copied < length && !chunks.isEmpty()) {
                ByteBuffer head = chunks.peekFirst();
                int n = Math.min(length - copied, head.remaining());
                head.get(target, offset + copied, n);
                copied += n;
                if (!head.hasRemaining()) {
                    chunks.removeFirst();
                    released += EngineSettings.BUFFERED_MESSAGE_OVERHEAD;
                }
            }
            buffered -= copied;
            released += copied;
            charged -= released;
            account.release(released);
            return copied;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Read interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** Bytes that can be read without waiting. */
    int available() {
        lock.lock();
        try {
            return closedLocally ? 0 : buffered;
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes buffered at once so far. */
    int highWater() {
        lock.lock();
        try {
            return highWater;
        } finally {
            lock.unlock();
        }
    }

    /** The peer closed: reads drain what is here, then return EOF. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Reads drain what is here, then throw {@code cause}. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null && !finished) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops what is buffered, releasing its charge, and makes reads fail with {@code cause} from
     * now on, even after {@link #finish()} or {@link #fail}: the reader must not mistake the loss
     * for the end of the stream.
     */
    void discard(IOException cause) {
        lock.lock();
        try {
            failure = cause;
            clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The local socket closed: reads fail now, and the buffered bytes are released. */
    void closeLocally() {
        lock.lock();
        try {
            closedLocally = true;
            clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void clear() {
        chunks.clear();
        buffered = 0;
        account.release(charged);
        charged = 0;
    }
}
