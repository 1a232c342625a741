package org.ministreaming.pipe;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The items of a {@link Pipe} and their weights, in two lanes: the lane ahead
 * ({@link Placement#ahead}), made for its first item, and the main lane behind it. The head is the
 * head of the lane ahead unless that is empty. As the reader's {@link Items}, it removes and
 * consumes the head.
 *
 * <p>Not thread-safe: the pipe's lock guards it.
 *
 * @param <T> the items
 */
final class Lanes<T> implements Items<T> {

    /** {@link Placement#tail}'s one instance, which this class knows by its identity. */
    static final Placement<Object> TAIL = (queued, passed) -> false;
    /** {@link Placement#ahead}'s one instance. */
    static final Placement<Object> AHEAD = (queued, passed) -> false;

    private final ToLongFunction<? super T> weigher;
    private final Consumer<? super T> dropped;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private long held;
    private ArrayDeque<T> ahead;
    private long heldAhead;

    /**
     * @param weigher an item's weight
     * @param dropped told of every item {@link #clear} or {@link #removeIf} drops
     */
    Lanes(ToLongFunction<? super T> weigher, Consumer<? super T> dropped) {
        this.weigher = weigher;
        this.dropped = dropped;
    }

    /** An item's weight. */
    long weigh(T item) {
        return weigher.applyAsLong(item);
    }

    /** The weight of the lane an item placed {@code at} goes in. */
    long held(Placement<?> at) {
        return at == AHEAD ? heldAhead : held;
    }

    /** The number of items in the lane an item placed {@code at} goes in. */
    int size(Placement<?> at) {
        return at == AHEAD ? sizeAhead() : items.size();
    }

    /** The weight of both lanes. */
    long held() {
        return held + heldAhead;
    }

    /** The number of items in both lanes. */
    int size() {
        return items.size() + sizeAhead();
    }

    /** Adds {@code item} where {@code at} says: in the lane ahead, at the tail, or ahead of the items it passes from there. */
    void add(T item, long weight, Placement<? super T> at) {
        if (at == AHEAD) {
            if (ahead == null) {
                ahead = new ArrayDeque<>();
            }
            ahead.addLast(item);
            heldAhead += weight;
            return;
        }
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
    }

    @Override
    public T peek() {
        return sizeAhead() > 0 ? ahead.peekFirst() : items.peekFirst();
    }

    @Override
    public void remove() {
        if (sizeAhead() > 0) {
            heldAhead -= weigh(ahead.removeFirst());
        } else {
            held -= weigh(items.removeFirst());
        }
    }

    @Override
    public void consumed(long weight) {
        if (sizeAhead() > 0) {
            heldAhead -= weight;
        } else {
            held -= weight;
        }
    }

    /** Drops every item that matches; returns the weight dropped. */
    long removeIf(Predicate<? super T> which) {
        long dropped = removeIf(items, which);
        held -= dropped;
        if (ahead != null) {
            long droppedAhead = removeIf(ahead, which);
            heldAhead -= droppedAhead;
            dropped += droppedAhead;
        }
        return dropped;
    }

    /** Drops every item; returns the weight dropped. */
    long clear() {
        long weight = held();
        if (ahead != null) {
            ahead.forEach(dropped);
            ahead.clear();
        }
        items.forEach(dropped);
        items.clear();
        held = 0;
        heldAhead = 0;
        return weight;
    }

    private int sizeAhead() {
        return ahead == null ? 0 : ahead.size();
    }

    private long removeIf(ArrayDeque<T> lane, Predicate<? super T> which) {
        long dropped = 0;
        for (Iterator<T> it = lane.iterator(); it.hasNext();) {
            T item = it.next();
            if (which.test(item)) {
                dropped += weigh(item);
                it.remove();
                this.dropped.accept(item);
            }
        }
        return dropped;
    }
}
