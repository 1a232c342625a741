package org.ministreaming.transport.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.ministreaming.pipe.Admission;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.pipe.Pipe;
import org.ministreaming.pipe.Placement;
import org.ministreaming.transport.Destination;

/**
 * One endpoint's queue of arriving messages, bounded in bytes. Data senders wait while it holds
 * its bound (once waiting, until it holds at most half, as {@link Pipe} says); replies never wait,
 * so they go ahead of waiting data, and are refused once it holds twice its bound. The endpoint's
 * delivery thread takes messages once they are due.
 *
 * <p><b>Delivery.</b> One envelope at a time is handed to the receiver, under the delivery lock:
 * by the delivery thread ({@link #deliverNext}), or by a sender's own thread when the delivery
 * thread is idle and nothing is queued or being delivered ({@link #deliverNow}), which saves waking
 * the delivery thread. The delivery thread takes an envelope only while it holds that lock, so a
 * sender that holds it and finds the inbox empty knows that everything queued before has been
 * delivered: each sender's order is kept. Once woken, the delivery thread counts as busy until it
 * finds the inbox empty again, and senders queue meanwhile: under load it hands over the messages
 * one after another without waiting, instead of senders contending for the
 * lock with it and with each other.
 *
 * <p>Thread-safe: a {@link Pipe} of envelopes, weighed by their bytes, holds them.
 */
final class Inbox {

    /** A queued message, or with {@code bytes == null} the news that the link to {@code from} was cut. */
    record Envelope(Destination from, ByteBuffer bytes, long dueNanos) {
        int size() {
            return bytes == null ? 0 : bytes.remaining();
        }
    }

    private static final Deadline PUT = Deadline.none(() -> "interrupted while waiting for room in the inbox");
    private static final Deadline TAKE = Deadline.none(() -> "interrupted while waiting for the inbox");

    private final Pipe<Envelope> pipe;
    private final long capacityBytes;
    private final ReentrantLock delivering = new ReentrantLock();
    /** Whether the delivery thread was woken and has not yet found the inbox empty; senders then queue. */
    private volatile boolean busy;
    private volatile boolean closed;

    Inbox(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.pipe = new Pipe<>(capacityBytes, Envelope::size, cause -> new IOException(cause.getMessage(), cause));
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
        Placement<Envelope> at = overtake == 0 ? Placement.tail() : Placement.overtaking(overtake);
        if (reply) {
            return pipe.offer(envelope, at, true, Admission.within(2 * capacityBytes)) == null;
        }
        pipe.put(envelope, at, PUT, () -> {
            if (!senderOpen.getAsBoolean()) {
                throw new IOException("endpoint " + envelope.from() + " was closed while it waited for room at the receiver");
            }
        });
        return true;
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
        return pipe.offer(envelope, (queued, passed) -> queued.dueNanos() - envelope.dueNanos() > 0, true, Admission.within(capacityBytes)) == null;
    }

    /**
     * The delivery thread: waits for the next due envelope and hands it to {@code deliverer}
     * under the delivery lock.
     *
     * @return {@code false} once the inbox is closed
     * @throws InterruptedIOException if interrupted (flag kept)
     */
    boolean deliverNext(Consumer<Envelope> deliverer) throws InterruptedIOException {
        if (pipe.size() == 0) {
            busy = false;
        }
        try {
            if (!pipe.awaitDue(Envelope::dueNanos, TAKE)) {
                return false;
            }
            busy = true;
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException closedMeanwhile) {
            return false;
        }
        delivering.lock();
        try {
            // Null when the envelope was discarded (a cut link) or the inbox closed meanwhile.
            Envelope next = pipe.pollDue(Envelope::dueNanos);
            if (next != null) {
                deliverer.accept(next);
            }
        } finally {
            delivering.unlock();
        }
        return true;
    }

    /**
     * A sender's thread: hands {@code envelope} to {@code deliverer} at once if the inbox is open,
     * holds nothing, no envelope is being delivered and the delivery thread is not busy; never waits.
     *
     * @return whether it was delivered; if not, the caller queues it
     */
    boolean deliverNow(Envelope envelope, Consumer<Envelope> deliverer) {
        if (busy || !delivering.tryLock()) {
            return false;
        }
        try {
            if (closed || pipe.size() != 0) {
                return false;
            }
            deliverer.accept(envelope);
            return true;
        } finally {
            delivering.unlock();
        }
    }

    /** Drops every queued message that matches. */
    void discard(Predicate<Envelope> which) {
        pipe.removeIf(envelope -> envelope.bytes() != null && which.test(envelope));
    }

    /** Makes senders waiting for room look again whether they may go on waiting. */
    void wake() {
        pipe.wake();
    }

    /**
     * Closes the inbox, failing waiting senders and ending {@link #deliverNext}; returns once a
     * delivery in progress has ended, or at once when called from inside one (a receiver closing
     * its own endpoint), when the delivery thread may be waiting for the caller's delivery lock.
     *
     * @return whether it was called from inside a delivery: then the delivery thread ends only
     *     after the caller's delivery returns, and must not be waited for
     */
    boolean close() {
        closed = true;
        pipe.cancel(new IOException("endpoint closed"));
        if (delivering.isHeldByCurrentThread()) {
            return true;
        }
        delivering.lock();
        delivering.unlock();
        return false;
    }

    /** Number of queued messages, for tests. */
    int size() {
        return pipe.size();
    }

    static long nanosFromNow(java.time.Duration delay) {
        return System.nanoTime() + TimeUnit.NANOSECONDS.convert(delay);
    }
}
