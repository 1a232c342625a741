package org.ministreaming.pipe;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A bounded blocking pipe of weighted items between writers and a reader, after okio's
 * {@code Pipe}: writers either wait for room ({@link #put}, with a {@link Deadline}) or never wait
 * ({@link #offer}, under a rule of their own); the reader waits for an item ({@link #take},
 * {@link #read}), each wait bounded by its deadline.
 *
 * <p><b>Weight and room.</b> Each item weighs what the weigher says when it goes in, and the pipe
 * holds the sum. A waiting writer's item fits when the pipe holds no weight (so one item heavier
 * than the capacity cannot wedge it) or the sum stays within the capacity. A reader that consumes an
 * item in part says so ({@link Items#consumed}), so the weigher must then say that much less.
 *
 * <p><b>Ends.</b> The writing side ends with {@link #finish} (the reader drains, then sees the
 * end) or {@link #fail} (the reader drains, then gets the cause). {@link #cancel} drops every item
 * and fails both sides at once, and {@link #closeReader} does the same for the reader's own close,
 * whose cause no later end replaces. Every waiter is woken by an end and gets its cause; each
 * caller gets a fresh exception made from the stored cause by the {@code rethrow} given at
 * construction, so that it has its own stack trace.
 *
 * <p>Thread-safe: one lock guards everything, and waiters on either side wait on its one
 * condition, signalled at every change. The callbacks given to a call run under that lock, so they
 * must be short and must not block or take locks that come before it.
 *
 * @param <T> the items
 */
public final class Pipe<T> {

    /** Where a new item goes: ahead of the queued items, from the tail, for which this is true. */
    @FunctionalInterface
    public interface Placement<T> {
        /**
         * @param queued an item already in the pipe, looked at from the tail towards the head
         * @param passed how many items the new one has passed so far
         * @return whether the new item goes ahead of {@code queued}
         */
        boolean passes(T queued, int passed);
    }

    /** A writer's rule for an item that must not wait, applied under the pipe's lock. */
    @FunctionalInterface
    public interface Admission<R> {
        /**
         * @param weight the new item's weight
         * @param held the weight the pipe holds now
         * @param count the number of items in the pipe now
         * @return {@code null} to let the item in, or why not
         */
        R refuse(long weight, long held, int count);
    }

    /** A reader's access to the items, under the pipe's lock, for {@link #read}. */
    public interface Items<T> {
        /** The head, or {@code null} when the pipe is empty. */
        T peek();

        /** Removes the head, and its weight now from what the pipe holds. */
        void remove();

        /** The head was consumed in part, {@code weight} of it. */
        void consumed(long weight);
    }

    /** What {@link #read} does with the items, once at least one is there. */
    @FunctionalInterface
    public interface Reader<T, R> {
        /** Takes what it wants of {@code items}, which holds at least one. */
        R read(Items<T> items);
    }

    /** A check before each wait of a {@link #put}: throws to end the wait, such as when the writer was closed. */
    @FunctionalInterface
    public interface Guard {
        /** Throws if the writer must give up. */
        void check() throws IOException;
    }

    private static final Placement<Object> TAIL = (queued, passed) -> false;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final long capacity;
    private final ToLongFunction<? super T> weigher;
    private final UnaryOperator<IOException> rethrow;
    private long held;
    private boolean finished;
    private IOException failure;
    private IOException cancelled;
    private IOException readerClosed;

    /**
     * @param capacity the weight writers that wait for room keep within
     * @param weigher an item's weight
     * @param rethrow a fresh exception from a stored cause, for each caller that meets it
     */
    public Pipe(long capacity, ToLongFunction<? super T> weigher, UnaryOperator<IOException> rethrow) {
        this.capacity = capacity;
        this.weigher = weigher;
        this.rethrow = rethrow;
    }

    /** Puts new items at the tail. */
    @SuppressWarnings("unchecked")
    public static <T> Placement<T> tail() {
        return (Placement<T>) TAIL;
    }

    /** Puts a new item ahead of up to {@code count} queued ones. */
    public static <T> Placement<T> overtaking(int count) {
        return (queued, passed) -> passed < count;
    }

    /** The rule of a waiting writer, with {@code limit} for the capacity: refuses with {@code FALSE}. */
    public static Admission<Boolean> within(long limit) {
        return (weight, held, count) -> held == 0 || weight <= limit - held ? null : Boolean.FALSE;
    }

    /**
     * Adds {@code item} where {@code at} says once it fits (see the class javadoc), waiting for
     * room until the deadline.
     *
     * @throws java.net.SocketTimeoutException if no room came in time
     * @throws java.io.InterruptedIOException if interrupted (flag kept)
     * @throws IOException the pipe's end, or what {@code guard} threw
     */
    public void put(T item, Placement<? super T> at, Deadline deadline, Guard guard) throws IOException {
        long weight = weigher.applyAsLong(item);
        lock.lock();
        try {
            while (true) {
                throwIfEndedForWriters();
                if (held == 0 || weight <= capacity - held) {
                    add(item, weight, at);
                    return;
                }
                guard.check();
                deadline.await(changed);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code item} where {@code at} says, without waiting, if {@code admission} lets it in.
     *
     * @return {@code null} if it was added, or the admission's reason why not
     * @throws IOException the pipe's end, if it has ended (the item is then dropped)
     */
    public <R> R offer(T item, Placement<? super T> at, Admission<? extends R> admission) throws IOException {
        long weight = weigher.applyAsLong(item);
        lock.lock();
        try {
            throwIfEndedForWriters();
            R refused = admission.refuse(weight, held, items.size());
            if (refused == null) {
                add(item, weight, at);
            }
            return refused;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the head, waiting for one until the deadline.
     *
     * @return the head, or {@code null} once the writing side has {@linkplain #finish finished}
     *     and the pipe is drained
     * @throws java.net.SocketTimeoutException if none came in time
     * @throws java.io.InterruptedIOException if interrupted (flag kept)
     * @throws IOException the pipe's end
     */
    public T take(Deadline deadline) throws IOException {
        return read(deadline, Pipe::removeHead);
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
                long wakeAt = due.applyAsLong(items.peekFirst());
                if (wakeAt - System.nanoTime() <= 0) {
                    return true;
                }
                deadline.await(changed, wakeAt);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the head if it is due, without waiting; {@code null} when there is none, it is not due, or the pipe ended. */
    public T pollDue(ToLongFunction<? super T> due) {
        lock.lock();
        try {
            boolean ready = readerClosed == null && cancelled == null && !items.isEmpty()
                    && due.applyAsLong(items.peekFirst()) - System.nanoTime() <= 0;
            return ready ? removeHead(new View()) : null;
        } finally {
            lock.unlock();
        }
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
            return awaitItems(deadline) ? reader.read(new View()) : null;
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
        lock.lock();
        try {
            return held - perItem * items.size();
        } finally {
            lock.unlock();
        }
    }

    /** The number of items held now. */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops every item that matches, making room for waiting writers.
     *
     * @return the weight dropped
     */
    public long removeIf(Predicate<? super T> which) {
        lock.lock();
        try {
            long dropped = 0;
            for (Iterator<T> it = items.iterator(); it.hasNext();) {
                T item = it.next();
                if (which.test(item)) {
                    dropped += weigher.applyAsLong(item);
                    it.remove();
                }
            }
            held -= dropped;
            changed.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter to look again, such as writers whose {@link Guard} may now throw. */
    public void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The writing side is done: the reader drains what is here, then sees the end. No effect once ended. */
    public void finish() {
        lock.lock();
        try {
            finished = true;
            changed.signalAll();
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
            changed.signalAll();
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

    /** Whether the reader closed its side. */
    public boolean readerClosed() {
        lock.lock();
        try {
            return readerClosed != null;
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
            if (!items.isEmpty()) {
                return true;
            }
            if (failure != null) {
                throw rethrow.apply(failure);
            }
            if (finished) {
                return false;
            }
            deadline.await(changed);
        }
    }

    private void throwIfEndedForWriters() throws IOException {
        IOException end = readerClosed != null ? readerClosed : cancelled != null ? cancelled : failure;
        if (end != null) {
            throw rethrow.apply(end);
        }
        if (finished) {
            throw new IOException("the pipe's writing side has finished");
        }
    }

    private void add(T item, long weight, Placement<? super T> at) {
        if (at == TAIL) {
            items.addLast(item);
        } else {
            ArrayDeque<T> passed = new ArrayDeque<>();
            while (!items.isEmpty() && at.passes(items.peekLast(), passed.size())) {
                passed.addFirst(items.removeLast());
            }
            items.addLast(item);
            items.addAll(passed);
        }
        held += weight;
        changed.signalAll();
    }

    private static <T> T removeHead(Items<T> items) {
        T head = items.peek();
        items.remove();
        return head;
    }

    private long clear() {
        long dropped = held;
        items.clear();
        held = 0;
        changed.signalAll();
        return dropped;
    }

    private final class View implements Items<T> {
        @Override
        public T peek() {
            return items.peekFirst();
        }

        @Override
        public void remove() {
            held -= weigher.applyAsLong(items.removeFirst());
            changed.signalAll();
        }

        @Override
        public void consumed(long weight) {
            held -= weight;
            changed.signalAll();
        }
    }
}
