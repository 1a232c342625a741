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
 * <p>Ending it three ways: {@link #finish()} (the peer closed: the reader drains what is
 * buffered, then sees EOF), {@link #fail(IOException)} (the reader drains, then gets the
 * exception) and {@link #closeLocally()} (the reader's own socket closed: a blocked or later read
 * fails at once). Thread-safe: one lock guards the state; readers wait on its condition and
 * are woken exactly when something changes.
 */
final class ReceiveBuffer {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final int capacity;
    private int buffered;
    private int highWater;
    private boolean finished;
    private IOException failure;
    private boolean closedLocally;

    ReceiveBuffer(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Adds a payload without waiting.
     *
     * @param payload a view the buffer may keep; it is never changed by anyone
     * @return {@code false} if it does not fit in the remaining capacity (nothing is added)
     */
    boolean offer(ByteBuffer payload) {
        int length = payload.remaining();
        lock.lock();
        try {
            if (finished || failure != null || closedLocally) {
                return true;
            }
            if (length > capacity - buffered) {
                return false;
            }
            if (length > 0) {
                chunks.addLast(payload);
                buffered += length;
                highWater = Math.max(highWater, buffered);
                changed.signalAll();
            }
            return true;
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
                    throw new IOException(failure.getMessage(), failure);
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
            while (copied < length && !chunks.isEmpty()) {
                ByteBuffer head = chunks.peekFirst();
                int n = Math.min(length - copied, head.remaining());
                head.get(target, offset + copied, n);
                copied += n;
                if (!head.hasRemaining()) {
                    chunks.removeFirst();
                }
            }
            buffered -= copied;
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

    /** The local socket closed: reads fail now, and the buffered bytes are released. */
    void closeLocally() {
        lock.lock();
        try {
            closedLocally = true;
            chunks.clear();
            buffered = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
