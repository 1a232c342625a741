package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One link's messages waiting for its writer, bounded in bytes. Senders that may block wait
 * while the link is still being dialled and while the queue holds {@code limit} bytes; senders
 * that must not block (receive callbacks) skip both waits, up to a hard limit of twice the
 * bound, beyond which the peer is taken not to read at all. An empty queue takes one message of
 * any size, so a bound below the largest message cannot wedge it.
 *
 * <p>Thread-safe: one lock guards everything.
 */
final class OutboundQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Outbound> messages = new ArrayDeque<>();
    private final long limitBytes;
    private long queuedBytes;
    private boolean ready;
    private boolean finishing;
    private IOException failure;

    /**
     * @param limitBytes queued bytes at which senders that may block start to wait
     * @param ready whether the link is already connected (false while it is being dialled)
     */
    OutboundQueue(long limitBytes, boolean ready) {
        this.limitBytes = limitBytes;
        this.ready = ready;
    }

    /**
     * Queues one message.
     *
     * @param mayBlock whether to wait for the dial to settle and for room
     * @return {@code false} if the message was not queued because a sender that may not block
     *     would take the queue past twice its bound
     * @throws IOException if the link failed or is finishing, or the wait was interrupted
     */
    boolean put(Outbound message, boolean mayBlock) throws IOException {
        int length = message.remaining();
        lock.lock();
        try {
            while (mayBlock && failure == null && !finishing
                    && (!ready || queuedBytes > 0 && queuedBytes + length > limitBytes)) {
                changed.await();
            }
            if (failure != null) {
                throw copy(failure);
            }
            if (finishing) {
                throw new IOException("the transport is closed");
            }
            if (!mayBlock && queuedBytes > 0 && queuedBytes + length > 2 * limitBytes) {
                return false;
            }
            messages.addLast(message);
            queuedBytes += length;
            changed.signalAll();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the send queue");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for messages and takes every one queued.
     *
     * @return the messages in order, or {@code null} once the queue failed, or finished and is empty
     * @throws InterruptedException if interrupted while waiting
     */
    List<Outbound> takeAll() throws InterruptedException {
        lock.lock();
        try {
            while (messages.isEmpty() && failure == null && !finishing) {
                changed.await();
            }
            if (failure != null || messages.isEmpty()) {
                return null;
            }
            List<Outbound> batch = new ArrayList<>(messages);
            messages.clear();
            queuedBytes = 0;
            changed.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** The link is connected: senders that waited for the dial may go on. */
    void markReady() {
        lock.lock();
        try {
            ready = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more sends; the writer takes what is queued, then {@link #takeAll} returns {@code null}. */
    void finish() {
        lock.lock();
        try {
            finishing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every queued message; waiting and later senders get {@code cause}. The first cause stays. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            messages.clear();
            queuedBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued now. */
    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #fail} was called. */
    boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** A fresh exception for one sender, of the same kind as {@code cause} and caused by it. */
    private static IOException copy(IOException cause) {
        IOException copy = cause instanceof ConnectException
                ? new ConnectException(cause.getMessage()) : new IOException(cause.getMessage());
        copy.initCause(cause);
        return copy;
    }
}
