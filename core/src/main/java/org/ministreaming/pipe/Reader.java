package org.ministreaming.pipe;

/**
 * What {@link Pipe#read} or {@link Pipe#poll} does with the items, once at least one is there.
 *
 * @param <T> the items
 * @param <R> what it returns
 */
@FunctionalInterface
public interface Reader<T, R> {
    /** Takes what it wants of {@code items}, which holds at least one. */
    R read(Items<T> items);
}
