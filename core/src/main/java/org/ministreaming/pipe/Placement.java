package org.ministreaming.pipe;

/**
 * Where a new item goes in a {@link Pipe}: ahead of the queued items, from the tail, for which this
 * is true; or one of the pipe's own placements ({@link Pipe#tail}, {@link Pipe#ahead}).
 *
 * @param <T> the items
 */
@FunctionalInterface
public interface Placement<T> {
    /**
     * @param queued an item already in the pipe's main lane, looked at from the tail towards the head
     * @param passed how many items the new one has passed so far
     * @return whether the new item goes ahead of {@code queued}
     */
    boolean passes(T queued, int passed);
}
