package org.ministreaming.pipe;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Objects of one kind given back for reuse, so that a busy path takes the same few again instead
 * of making new ones (buffers, arrays). At most {@code keep} are kept; more are left to the
 * garbage collector.
 *
 * <p>Thread-safe and lock-free.
 *
 * @param <T> the objects
 */
public final class FreeList<T> {

    private final int keep;
    private final Supplier<? extends T> fresh;
    private final ConcurrentLinkedQueue<T> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    /**
     * @param keep objects kept at most
     * @param fresh makes a new one when none is kept
     */
    public FreeList(int keep, Supplier<? extends T> fresh) {
        this.keep = keep;
        this.fresh = Objects.requireNonNull(fresh, "fresh");
    }

    /** One given back, or a new one. */
    public T take() {
        T item = free.poll();
        if (item == null) {
            return fresh.get();
        }
        kept.decrementAndGet();
        return item;
    }

    /** Gives back one that {@link #take} gave and that nothing uses any more. */
    public void give(T item) {
        if (kept.incrementAndGet() <= keep) {
            free.offer(item);
        } else {
            kept.decrementAndGet();
        }
    }
}
