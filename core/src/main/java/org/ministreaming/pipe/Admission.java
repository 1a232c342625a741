package org.ministreaming.pipe;

/**
 * A writer's rule for an item that must not wait ({@link Pipe#offer}), applied under the pipe's
 * lock.
 *
 * @param <R> why an item was refused
 */
@FunctionalInterface
public interface Admission<R> {
    /**
     * @param weight the new item's weight
     * @param held the weight the item's lane holds now
     * @param count the number of items in the item's lane now
     * @return {@code null} to let the item in, or why not
     */
    R refuse(long weight, long held, int count);
}
