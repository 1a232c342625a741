package org.ministreaming.transport.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedList;
import java.util.ListIterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.ministreaming.transport.Destination;

/**
 * One endpoint's queue of arriving messages, bounded in bytes. Data senders wait while it holds
 * its bound; replies never wait, so they go ahead of waiting data, and are refused once it holds
 * twice its bound. The endpoint's delivery thread takes messages once they are due.
 *
 * <p>Thread-safe: one lock guards everything.
 */
final class Inbox {

    /** A queued message, or with {@code bytes == null} the news that the link to {@code from} was cut. */
    record Envelope(Destination from, ByteBuffer bytes, long dueNanos) {
        int size() {
            return bytes == null ? 0 : bytes.remaining();
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedList<Envelope> queue = new LinkedList<>();
    private final long capacityBytes;
    private long queuedBytes;
    private boolean closed;

    Inbox(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /**
     * Queues an envelope, letting it overtake up to {@code overtake} queued ones.
     *
     * @param reply {@code false} for data, which waits for room while the inbox is full;
     *     {@code true} for a reply, which never waits and is refused at twice the bound
     * @param senderOpen whether the sending endpoint is still open; a sender closed while it
     *     waits for room fails ({@link #wake} makes a waiting sender look again)
     * @return whether it was queued: {@code false} for a reply refused
     * @throws IOException if the inbox or the sender is closed, or the wait is interrupted
     */
    boolean put(Envelope envelope, int overtake, boolean reply, BooleanSupplier senderOpen) throws IOException {
        lock.lock();
        try {
            while (!reply && !closed && queuedBytes > 0 && queuedBytes + envelope.size() > capacityBytes) {
                if (!senderOpen.getAsBoolean()) {
                    throw new IOException("endpoint " + envelope.from() + " was closed while it waited for room at the receiver");
                }
                changed.await();
            }
            if (closed) {
                throw new IOException("endpoint closed");
            }
            if (reply && queuedBytes > 0 && queuedBytes + envelope.size() > 2 * capacityBytes) {
                return false;
            }
            ListIterator<Envelope> position = queue.listIterator(queue.size());
            for (int i = 0; i < overtake && position.hasPrevious(); i++) {
                position.previous();
            }
            position.add(envelope);
            queuedBytes += envelope.size();
            changed.signalAll();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the inbox");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues an envelope in the order of due times, behind those due no later, without waiting:
     * a simulated path ({@link MemoryNetwork#setPath}) delivers by due time and, like a router,
     * drops what finds no room.
     *
     * @return whether it was queued; {@code false} if the inbox is full
     * @throws IOException if the inbox is closed
     */
    boolean putByDue(Envelope envelope) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("endpoint closed");
            }
            if (queuedBytes > 0 && queuedBytes + envelope.size() > capacityBytes) {
                return false;
            }
            ListIterator<Envelope> position = queue.listIterator(queue.size());
            while (position.hasPrevious()) {
                if (position.previous().dueNanos() - envelope.dueNanos() <= 0) {
                    position.next();
                    break;
                }
            }
            position.add(envelope);
            queuedBytes += envelope.size();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next due envelope; {@code null} once the inbox is closed. */
    Envelope take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                Envelope head = queue.peekFirst();
                if (head == null) {
                    changed.await();
                    continue;
                }
                long wait = head.dueNanos() - System.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(wait);
                    continue;
                }
                queue.removeFirst();
                queuedBytes -= head.size();
                changed.signalAll();
                return head;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every queued message that matches. */
    void discard(Predicate<Envelope> which) {
        lock.lock();
        try {
            queue.removeIf(envelope -> {
                boolean drop = envelope.bytes() != null && which.test(envelope);
                if (drop) {
                    queuedBytes -= envelope.size();
                }
                return drop;
            });
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes senders waiting for room look again whether they may go on waiting. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the inbox, failing waiting senders and ending {@link #take}. */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Number of queued messages, for tests. */
    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    static long nanosFromNow(java.time.Duration delay) {
        return System.nanoTime() + TimeUnit.NANOSECONDS.convert(delay);
    }
}
