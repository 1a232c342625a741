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
import org.ministreaming.pipe.RoomWaiters;
import org.ministreaming.transport.Destination;

/**
 * One endpoint's queue of arriving messages, bounded in bytes. Data senders wait while it holds
 * its bound (once waiting, until it holds at most half, as {@link Pipe} says), or offer data that
 * it takes only if it has room now (it holds at most half its bound, or the message fits) and are
 * told when it has ({@link #whenRoom}); replies never wait, so they go ahead of waiting data, and
 * are refused once it holds twice its bound. The endpoint's delivery thread takes messages once
 * they are due.
 *
 * <p><b>Delivery.</b> One envelope at a time is handed to the receiver, under the delivery lock:
 * by a sender's own thread ({@link #deliverNow}) or by the delivery thread ({@link #deliverNext}).
 * A sender hands its envelope over itself while the delivery thread is idle: at once when nothing
 * is queued, behind what is queued otherwise (handing that over first). If another thread holds
 * the delivery lock at that moment, the sender queues its envelope without waking the delivery
 * thread and returns: every thread that lets go of the lock looks again for what was queued
 * meanwhile and hands it over, so nothing waits for a thread that has left, and no thread is
 * woken for it; the sender waits a moment while that thread still holds the lock
 * ({@link #HOLDER_SPINS}). A thread hands over at most {@link #HANDED_OVER_AT_ONCE} queued envelopes in one
 * go, then wakes the delivery thread for the rest, so that no sender is held up for long
 * by the others' messages. A thread that holds the delivery lock already (this endpoint's receiver
 * sent to another endpoint, whose receiver sent back on the same thread) queues its envelope too,
 * and hands it over once the delivery further up its stack has returned: a receiver is never
 * called from inside its own call, however endpoints answer one another.
 * Replies, and links with faults or a simulated path, queue and wake the
 * delivery thread; once woken, it counts as busy until it finds the inbox empty, and senders queue
 * behind it meanwhile. Each sender's order is kept: an envelope is queued behind everything
 * queued before it, and taken only under the delivery lock.
 *
 * <p>Thread-safe: a {@link Pipe} of envelopes, weighed by their bytes, holds them.
 */
final class Inbox {

    /** How a sender puts an envelope ({@link #put}). */
    enum Mode {
        /** Data: waits for room while the inbox is full. */
        WAIT,
        /** Data, taken only if there is room now; {@link #whenRoom} tells when to offer again. */
        OFFER,
        /** A reply: never waits, refused at twice the bound. */
        REPLY
    }

    /** A queued message, or with {@code bytes == null} the news that the link to {@code from} was cut. */
    record Envelope(Destination from, ByteBuffer bytes, long dueNanos) {
        int size() {
            return bytes == null ? 0 : bytes.remaining();
        }
    }

    private static final Deadline PUT = Deadline.none(() -> "interrupted while waiting for room in the inbox");
    private static final Deadline TAKE = Deadline.none(() -> "interrupted while waiting for the inbox");

    /**
     * The most queued envelopes a sender's thread hands over in one go ({@link #deliverNow}): the
     * others' it found queued, and its own if it queued it behind them.
     */
    static final int HANDED_OVER_AT_ONCE = 64;

    /**
     * How many times a sender that left its envelope to the thread in the delivery lock waits a
     * moment ({@link Thread#onSpinWait}, a few microseconds in all) while that thread holds it:
     * that thread is running and hands the envelope over soon, and what it brings back (the ACK of
     * a SYN, the answer of a receiver that answers in place) often reaches the sender before it
     * would park for it, which saves a park and a wake. More spins take the CPU from threads that
     * have to be woken ({@code docs/benchmarks.md}, "Senders that wait a moment for the thread in
     * the lock").
     */
    static final int HOLDER_SPINS = 200;

    private final Pipe<Envelope> pipe;
    private final long capacityBytes;
    /** Room for an offer: the inbox holds at most half its bound, or the envelope fits. */
    private final Admission<Boolean> offerRoom;
    /** Who waits for room ({@link #whenRoom}). */
    private final RoomWaiters roomWaiters = new RoomWaiters("an inbox");
    private final ReentrantLock delivering = new ReentrantLock();
    /** Whether the delivery thread was woken and has not yet found the inbox empty; senders then queue. */
    private volatile boolean busy;
    private volatile boolean closed;

    Inbox(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.pipe = new Pipe<>(capacityBytes, Envelope::size, cause -> new IOException(cause.getMessage(), cause));
        this.offerRoom = Admission.withinOrAtMost(capacityBytes, capacityBytes / 2);
    }

    /**
     * Queues an envelope, letting it overtake up to {@code overtake} queued ones.
     *
     * @param mode how: waiting for room, only if there is room now, or as a reply
     * @param senderOpen whether the sending endpoint is still open; a sender closed while it
     *     waits for room fails ({@link #wake} makes a waiting sender look again)
     * @return whether it was queued: {@code false} for a reply refused or an offer without room
     * @throws IOException if the inbox or the sender is closed, or the wait is interrupted
     */
    boolean put(Envelope envelope, int overtake, Mode mode, BooleanSupplier senderOpen) throws IOException {
        Placement<Envelope> at = overtake == 0 ? Placement.tail() : Placement.overtaking(overtake);
        if (mode == Mode.REPLY) {
            return pipe.offer(envelope, at, true, Admission.within(2 * capacityBytes)) == null;
        }
        if (mode == Mode.OFFER) {
            return pipe.offer(envelope, at, true, offerRoom) == null;
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
        roomMade();
        return true;
    }

    /**
     * Runs {@code wake} once, when an offer may find room: the inbox holds at most half its
     * bound, or is closed (the next offer then fails); at once if that is so already. It runs on
     * a thread that took messages out, with no lock of the inbox held.
     */
    void whenRoom(Runnable wake) {
        roomWaiters.add(wake);
        roomMade();
    }

    /** Runs the {@link #whenRoom} callbacks, each once, if an offer may find room now. Call with no lock held. */
    private void roomMade() {
        if (!roomWaiters.isEmpty() && (closed || pipe.held() <= capacityBytes / 2)) {
            roomWaiters.wakeAll();
        }
    }

    /**
     * A sender's thread: hands {@code envelope} to {@code deliverer} if the inbox is open and the
     * delivery thread is not busy, after what was queued before it; or, while another thread
     * holds the delivery lock, queues it for that thread without waking the delivery thread.
     * Never waits for room.
     *
     * @return whether it was handed over or left to the thread in the lock; if not (the inbox is
     *     closed, full, or the delivery thread busy), the caller queues it
     */
    boolean deliverNow(Envelope envelope, Consumer<Envelope> deliverer) {
        if (!idle()) {
            return false;
        }
        if (delivering.isHeldByCurrentThread()) {
            // A receiver of this endpoint sent to another whose receiver sent back: this thread
            // hands it over once the delivery in progress further up its stack has returned.
            return queueQuietly(envelope);
        }
        boolean taken;
        if (delivering.tryLock()) {
            try {
                if (closed) {
                    return false;
                }
                if (pipe.size() == 0) {
                    deliverer.accept(envelope);
                    taken = true;
                } else {
                    taken = queueQuietly(envelope);
                }
            } finally {
                delivering.unlock();
            }
        } else {
            taken = queueQuietly(envelope);
            for (int spin = 0; taken && spin < HOLDER_SPINS && delivering.isLocked(); spin++) {
                Thread.onSpinWait();
            }
        }
        // Also when the inbox was full: what others queued quietly while this thread held the
        // lock is this thread's to hand over, and the delivery thread was not woken for it.
        deliverQueued(deliverer);
        return taken;
    }

    /** Whether a sender may hand over now: the inbox is open and the delivery thread not busy ({@link #deliverNow}). */
    boolean idle() {
        return !busy && !closed;
    }

    /** Queues at the tail without waking the delivery thread; {@code false} if the inbox is full or closed. */
    private boolean queueQuietly(Envelope envelope) {
        try {
            return pipe.offer(envelope, Placement.tail(), false, Admission.within(capacityBytes)) == null;
        } catch (IOException closedMeanwhile) {
            return false;
        }
    }

    /**
     * After letting go of the delivery lock, or after queueing while another thread held it: hands
     * over what is queued and due, as long as the lock is free and the delivery thread idle, up to
     * {@link #HANDED_OVER_AT_ONCE}; beyond that, wakes the delivery thread for the rest.
     */
    private void deliverQueued(Consumer<Envelope> deliverer) {
        int handedOver = 0;
        while (!busy && pipe.size() != 0 && delivering.tryLock()) {
            int before = handedOver;
            try {
                Envelope next;
                while (handedOver < HANDED_OVER_AT_ONCE && !closed && (next = pipe.pollDue(Envelope::dueNanos)) != null) {
                    deliverer.accept(next);
                    handedOver++;
                }
            } finally {
                delivering.unlock();
            }
            roomMade();
            if (handedOver == HANDED_OVER_AT_ONCE) {
                pipe.wake();
                return;
            }
            if (handedOver == before) {
                return; // the head is not due yet: the delivery thread waits for it
            }
        }
    }

    /** Drops every queued message that matches. */
    void discard(Predicate<Envelope> which) {
        pipe.removeIf(envelope -> envelope.bytes() != null && which.test(envelope));
        roomMade();
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
        roomMade();
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
