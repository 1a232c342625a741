package org.ministreaming.pipe;

/**
 * Where a new item goes in a {@link Pipe}: ahead of the queued items, from the tail, for which this
 * is true; or one of the pipe's own placements ({@link #tail}, {@link #ahead}).
 *
 * @param <T> the items
 */
@FunctionalInterface
public interface Placement<T> {

    /** Puts new items at the tail. */
    @SuppressWarnings("unchecked")
    static <T> Placement<T> tail() {
        return (Placement<T>) Lanes.TAIL;
    }

    /** Puts a new item at the tail of the lane ahead (see {@link Pipe}). */
    @SuppressWarnings("unchecked")
    static <T> Placement<T> ahead() {
        return (Placement<T>) Lanes.AHEAD;
    }

    /** Puts a new item ahead of up to {@code count} queued ones, behind the lane ahead. */
    static <T> Placement<T> overtaking(int count) {
        return (queued, passed) -> passed < count;
    }

    /**
     * @param queued an item already in the pipe's main lane, looked at from the tail towards the head
     * @param passed how many items the new one has passed so far
     * @return whether the new item goes ahead of {@code queued}
     */
    boolean passes(T queued, int passed);
}
