package org.ministreaming.pipe;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A bounded blocking pipe of weighted items between writers and a reader, after okio's
 * {@code Pipe}: writers either wait for room ({@link #put}, with a {@link Deadline}) or never wait
 * ({@link #offer}, under a rule of their own); the reader waits for an item ({@link #take},
 * {@link #read}) or looks without waiting ({@link #poll}), each wait bounded by its deadline.
 *
 * <p><b>Weight and room.</b> Each item weighs what the weigher says when it goes in, and the pipe
 * holds the sum. A waiting writer's item fits when the pipe holds no weight (so one item heavier
 * than the capacity cannot wedge it) or the sum stays within the capacity. A reader that consumes an
 * item in part says so ({@link Items#consumed}), so the weigher must then say that much less.
 *
 * <p><b>The lane ahead.</b> Items placed {@link Placement#ahead} form a lane of their own in front
 * of the others (such as control messages that overtake queued data): the reader empties it first,
 * in the order its items came, and its weight is bounded apart. A waiting writer's item fits by the
 * weight of its own lane alone, and an {@link Admission} is told the weight and count of the item's
 * own lane; {@link #held()} and {@link #size()} count both.
 *
 * <p><b>Waiting writers.</b> A writer that had to wait goes on only once its lane holds at most half
 * the capacity (or nothing), and a read wakes waiting writers only when it leaves a lane that low:
 * under a steady backlog they wake in bursts, once per half a pipe read, not after every item (as a
 * kernel's socket buffer wakes its writers). A writer that finds room goes in at once. While
 * writers are {@linkplain #holdWriters held}, a waiting writer waits whatever the room (such as
 * while what the pipe feeds is not ready yet); a writer that never waits is not held.
 *
 * <p><b>Ends.</b> The writing side ends with {@link #finish} (the reader drains, then sees the
 * end), {@link #retireIfIdle} (a finish of an idle pipe that sends its writers elsewhere) or
 * {@link #fail} (the reader drains, then gets the cause). {@link #cancel} drops every item and fails
 * both sides at once, and {@link #closeReader} does the same for the reader's own close, whose cause
 * no later end replaces. Every waiter is woken by an end and gets its cause, each caller a fresh
 * exception with its own stack trace, made by the {@code rethrow} given at construction.
 *
 * <p>Thread-safe: one lock guards everything; writers wait on one of its conditions, readers on
 * another (one serves both in a pipe without a bound, whose writers never wait for room). New items
 * wake readers (unless an offer leaves that to {@link #wake}), room wakes writers (as above), and
 * ends and other changes wake both. The callbacks
 * given to a call run under that lock, so they must be short and must not block or take locks that
 * come before it.
 *
 * @param <T> the items
 */
public final class Pipe<T> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition itemsCame = lock.newCondition();
    /** The writers' condition: the readers' in a pipe without a bound (see the class javadoc). */
    private final Condition roomMade;
    private final Lanes<T> items;
    private final long capacity;
    /** The most a lane may hold for a writer that waited to go on, and for a read to wake such writers. */
    private final long lowWater;
    private final UnaryOperator<IOException> rethrow;
    private boolean writersHeld;
    private boolean retired;
    private boolean finished;
    /** What writers get after {@link #finish(IOException)}, or {@code null}. */
    private IOException finishedForWriters;
    private IOException failure;
    private IOException cancelled;
    private IOException readerClosed;

    /** A pipe that tells nobody of the items it drops (see below). */
    public Pipe(long capacity, ToLongFunction<? super T> weigher, UnaryOperator<IOException> rethrow) {
        this(capacity, weigher, rethrow, item -> { });
    }

    /**
     * @param capacity the weight writers that wait for room keep within, in each lane
     * @param weigher an item's weight
     * @param rethrow a fresh exception from a stored cause, for each caller that meets it
     * @param dropped told, under the lock, of each item dropped unread ({@link #removeIf},
     *     {@link #cancel}, {@link #closeReader}), such as to give back what it borrowed
     */
    public Pipe(long capacity, ToLongFunction<? super T> weigher, UnaryOperator<IOException> rethrow, Consumer<? super T> dropped) {
        this.items = new Lanes<>(weigher, dropped);
        this.capacity = capacity;
        this.lowWater = capacity / 2;
        this.roomMade = capacity == Long.MAX_VALUE ? itemsCame : lock.newCondition();
        this.rethrow = rethrow;
    }

    /**
     * Adds {@code item} where {@code at} says once it fits, and after a wait its lane is low enough
     * (see the class javadoc), and writers are not held, waiting until the deadline.
     *
     * @return {@code true} once added; {@code false} if the pipe was {@linkplain #retireIfIdle
     *     retired}, whatever end came after: the item was not taken and belongs elsewhere
     * @throws java.net.SocketTimeoutException if no room came in time
     * @throws java.io.InterruptedIOException if interrupted (flag kept)
     * @throws IOException the pipe's end, or what {@code guard} threw
     */
    public boolean put(T item, Placement<? super T> at, Deadline deadline, Guard guard) throws IOException {
        long weight = items.weigh(item);
        lock.lock();
        try {
            for (boolean waited = false; true; waited = true) {
                if (retired) {
                    return false;
                }
                throwIfEndedForWriters();
                long held = items.held(at);
                if (!writersHeld && (held == 0 || weight <= capacity - held && (!waited || held <= lowWater))) {
                    items.add(item, weight, at);
                    itemsCame.signalAll();
                    return true;
                }
                guard.check();
                deadline.await(roomMade);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code item} where {@code at} says, without waiting, if {@code admission} lets it in;
     * waiting readers are woken unless {@code wakeReaders} is false ({@link #wake} does it later).
     *
     * @return {@code null} if it was added, or the admission's reason why not
     * @throws IOException the pipe's end, if it has ended (the item is then dropped)
     */
    public <R> R offer(T item, Placement<? super T> at, boolean wakeReaders, Admission<? extends R> admission) throws IOException {
        long weight = items.weigh(item);
        lock.lock();
        try {
            throwIfEndedForWriters();
            R refused = admission.refuse(weight, items.held(at), items.size(at));
            if (refused == null) {
                items.add(item, weight, at);
                if (wakeReaders) {
                    itemsCame.signalAll();
                }
            }
            return refused;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the head, waiting as {@link #read} does; {@code null} once the writing side finished and the pipe is drained. */
    public T take(Deadline deadline) throws IOException {
        return read(deadline, Items::take);
    }

    /**
     * Waits until the head is due, without taking it ({@link #pollDue} does): {@code due} gives an
     * item's {@link System#nanoTime} from which it may be taken.
     *
     * @return {@code true} once the head is due, {@code false} once the writing side has
     *     {@linkplain #finish finished} and the pipe is drained
     * @throws IOException the pipe's end, the deadline's timeout, or an interrupt (flag kept)
     */
    public boolean awaitDue(ToLongFunction<? super T> due, Deadline deadline) throws IOException {
        lock.lock();
        try {
            while (awaitItems(deadline)) {
                long wakeAt = due.applyAsLong(items.peek());
                if (wakeAt - System.nanoTime() <= 0) {
                    return true;
                }
                deadline.await(itemsCame, wakeAt);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the head if it is due, without waiting; {@code null} when there is none, it is not due, or the pipe ended. */
    public T pollDue(ToLongFunction<? super T> due) {
        return poll(items -> due.applyAsLong(items.peek()) - System.nanoTime() <= 0 ? items.take() : null);
    }

    /**
     * Waits until the deadline for at least one item, then lets {@code reader} take what it wants.
     *
     * @return what {@code reader} returned, or {@code null} once the writing side has
     *     {@linkplain #finish finished} and the pipe is drained
     * @throws java.net.SocketTimeoutException if nothing came in time
     * @throws java.io.InterruptedIOException if interrupted (flag kept)
     * @throws IOException the pipe's end
     */
    public <R> R read(Deadline deadline, Reader<T, R> reader) throws IOException {
        lock.lock();
        try {
            return awaitItems(deadline) ? readNow(reader) : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets {@code reader} take what it wants if there is an item, without waiting.
     *
     * @return what {@code reader} returned, or {@code null} if the pipe holds nothing, was
     *     cancelled or its reader closed
     */
    public <R> R poll(Reader<T, R> reader) {
        lock.lock();
        try {
            return readerClosed == null && cancelled == null && items.size() > 0 ? readNow(reader) : null;
        } finally {
            lock.unlock();
        }
    }

    /** The weight held now. */
    public long held() {
        return held(0);
    }

    /** The weight held now, less {@code perItem} for each item (such as a fixed overhead in each weight). */
    public long held(long perItem) {
        return locked(() -> items.held() - perItem * items.size());
    }

    /** The number of items held now. */
    public int size() {
        return locked(items::size);
    }

    /** Drops every item that matches, making room for waiting writers; returns the weight dropped. */
    public long removeIf(Predicate<? super T> which) {
        lock.lock();
        try {
            long dropped = items.removeIf(which);
            roomMade.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code claim} under the lock if the pipe holds nothing and a writer could add an item
     * now: for a writer that may hand its item past the pipe, overtaking nothing.
     *
     * @return whether the pipe was empty and open to writers, and {@code claim} said yes
     */
    public boolean claimIfEmpty(BooleanSupplier claim) {
        return locked(() -> !finished && failure == null && cancelled == null && readerClosed == null && !writersHeld
                && items.size() == 0 && claim.getAsBoolean());
    }

    /** Wakes every waiter to look again, such as writers whose {@link Guard} may now throw. */
    public void wake() {
        locked(() -> {
            signalBoth();
            return null;
        });
    }

    /**
     * Holds waiting writers ({@link #put}) whatever the room, or with {@code false} lets them go on;
     * writers that never wait ({@link #offer}) are not held. An end lets held writers go, with its cause.
     */
    public void holdWriters(boolean hold) {
        lock.lock();
        try {
            writersHeld = hold;
            signalBoth();
        } finally {
            lock.unlock();
        }
    }

    /** The writing side is done: the reader drains what is here, then sees the end. No effect once ended. */
    public void finish() {
        finish(null);
    }

    /** As {@link #finish()}; a writer that comes later gets a fresh exception made from {@code forWriters}, if not null. */
    public void finish(IOException forWriters) {
        lock.lock();
        try {
            if (!finished) {
                finished = true;
                finishedForWriters = forWriters;
            }
            signalBoth();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finishes the writing side if the pipe is idle: it holds nothing, its writers are not held, it
     * has not ended, and {@code idle}, asked last and under the lock, says so too (such as a reader
     * that has written all it took). Writers are then sent elsewhere: {@link #put} returns
     * {@code false}, whatever end comes later; {@link #offer} throws as after {@link #finish()}.
     *
     * @return whether the pipe was idle and is retired now
     */
    public boolean retireIfIdle(BooleanSupplier idle) {
        lock.lock();
        try {
            if (finished || failure != null || cancelled != null || readerClosed != null || items.size() > 0 || writersHeld
                    || !idle.getAsBoolean()) {
                return false;
            }
            retired = true;
            finished = true;
            signalBoth();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The writing side failed: the reader drains what is here, then gets {@code cause}. No effect once ended. */
    public void fail(IOException cause) {
        lock.lock();
        try {
            if (!finished && failure == null) {
                failure = cause;
            }
            signalBoth();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops every item; from now on both sides fail with {@code cause}, even after
     * {@link #finish} or {@link #fail}. A later cancel replaces the cause.
     *
     * @return the weight dropped
     */
    public long cancel(IOException cause) {
        lock.lock();
        try {
            cancelled = cause;
            return clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The reader closed its side: drops every item, and from now on both sides fail with
     * {@code cause}, which no later end replaces.
     *
     * @return the weight dropped
     */
    public long closeReader(IOException cause) {
        lock.lock();
        try {
            if (readerClosed == null) {
                readerClosed = cause;
            }
            return clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the reader has seen the end: the writing side has finished, the reader has taken
     * every item, and no other end came ({@link #fail}, {@link #cancel}, {@link #closeReader}).
     */
    public boolean drained() {
        return locked(() -> finished && failure == null && cancelled == null && readerClosed == null && items.size() == 0);
    }

    /** Whether the reader closed its side. */
    public boolean readerClosed() {
        return locked(() -> readerClosed != null);
    }

    /** What {@code what} says, asked under the lock. */
    private <R> R locked(Supplier<R> what) {
        lock.lock();
        try {
            return what.get();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for an item: {@code false} at the end of a drained, finished pipe; throws any other end. */
    private boolean awaitItems(Deadline deadline) throws IOException {
        while (true) {
            IOException now = readerClosed != null ? readerClosed : cancelled;
            if (now != null) {
                throw rethrow.apply(now);
            }
            if (items.size() > 0) {
                return true;
            }
            if (failure != null) {
                throw rethrow.apply(failure);
            }
            if (finished) {
                return false;
            }
            deadline.await(itemsCame);
        }
    }

    private void throwIfEndedForWriters() throws IOException {
        IOException end = readerClosed != null ? readerClosed : cancelled != null ? cancelled : failure != null ? failure : finishedForWriters;
        if (end != null) {
            throw rethrow.apply(end);
        }
        if (finished) {
            throw new IOException("the pipe's writing side has finished");
        }
    }

    /** Lets {@code reader} take what it wants of the items there are, then wakes waiting writers if it left their lane low. */
    private <R> R readNow(Reader<T, R> reader) {
        long before = items.held(Lanes.TAIL);
        long beforeAhead = items.held(Lanes.AHEAD);
        R read = reader.read(items);
        if (lowAfter(before, items.held(Lanes.TAIL)) || lowAfter(beforeAhead, items.held(Lanes.AHEAD))) {
            roomMade.signalAll();
        }
        return read;
    }

    private boolean lowAfter(long before, long after) {
        return after < before && after <= lowWater;
    }

    private void signalBoth() {
        roomMade.signalAll();
        itemsCame.signalAll();
    }

    private long clear() {
        long dropped = items.clear();
        signalBoth();
        return dropped;
    }
}
