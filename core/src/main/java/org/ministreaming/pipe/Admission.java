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
     * The rule by which a writer that finds room goes in ({@link Pipe#put} before it waits), with
     * {@code limit} for the capacity: refuses with {@code FALSE}.
     */
    static Admission<Boolean> within(long limit) {
        return (weight, held, count) -> held == 0 || weight <= limit - held ? null : Boolean.FALSE;
    }

    /**
     * The rule for an offer that promises what a wake-up of {@link RoomWaiters} told: in while the
     * lane holds at most {@code lowWater}, whatever the item's weight, or while the item fits
     * within {@code limit}; refuses with {@code FALSE}.
     */
    static Admission<Boolean> withinOrAtMost(long limit, long lowWater) {
        return (weight, held, count) -> held <= lowWater || weight <= limit - held ? null : Boolean.FALSE;
    }

    /**
     * @param weight the new item's weight
     * @param held the weight the item's lane holds now
     * @param count the number of items in the item's lane now
     * @return {@code null} to let the item in, or why not
     */
    R refuse(long weight, long held, int count);
}
