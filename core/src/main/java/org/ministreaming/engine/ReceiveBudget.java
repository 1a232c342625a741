package org.ministreaming.engine;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manager-wide bound on the bytes its connections buffer ahead of their readers, and who holds
 * them. A buffer reserves before it keeps a message and releases as its reader consumes, as it
 * discards, or when its socket is closed; a reservation that would exceed the limit is refused,
 * so the usage never exceeds it, not even for a moment. When it is refused, the caller frees room
 * by evicting the {@linkplain #largestHolder() holder with the most}.
 *
 * <p>Holders are tracked here, not in the engine's connection table, so that a connection which
 * already ended but whose reader has not drained it still counts, and can still be evicted.
 *
 * <p>Thread-safe and lock-free for the caller: reservation is a compare-and-set on the usage,
 * the holders sit in a concurrent map. Each holder must reserve and release from under one lock
 * of its own (its buffer's), so that its own amounts are never released before they were
 * reserved. Between the two steps of a reservation or a release, {@link #used()} may exceed the
 * sum of the holders' amounts for a moment, never the other way round.
 *
 * @param <H> what holds bytes; compared by {@code equals}
 */
final class ReceiveBudget<H> {

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong highWater = new AtomicLong();
    private final Map<H, Long> held = new ConcurrentHashMap<>();

    /**
     * @param limit the most bytes all holders may hold together, at least 1
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    ReceiveBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the receive budget must be at least 1 byte: " + limit);
        }
        this.limit = limit;
    }

    /**
     * Reserves {@code bytes} for {@code holder}, unless that would take the usage past the limit.
     *
     * @param bytes not negative
     * @return whether the bytes were reserved; nothing changes when not
     */
    boolean tryReserve(H holder, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot reserve a negative amount: " + bytes);
        }
        if (bytes == 0) {
            return true;
        }
        long before;
        do {
            before = used.get();
            if (bytes > limit - before) {
                return false;
            }
        } while (!used.compareAndSet(before, before + bytes));
        highWater.accumulateAndGet(before + bytes, Math::max);
        held.merge(holder, bytes, Long::sum);
        return true;
    }

    /**
     * Gives back {@code bytes} that {@code holder} reserved.
     *
     * @param bytes not negative, and at most what {@code holder} holds
     * @throws IllegalArgumentException if {@code bytes} is negative or more than the holder holds
     *     (nothing changes then)
     */
    void release(H holder, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot release a negative amount: " + bytes);
        }
        if (bytes == 0) {
            return;
        }
        held.compute(holder, (key, amount) -> {
            if (amount == null || amount < bytes) {
                throw new IllegalArgumentException(key + " releases " + bytes + " bytes but holds " + (amount == null ? 0 : amount));
            }
            return amount == bytes ? null : amount - bytes;
        });
        used.addAndGet(-bytes);
    }

    /**
     * Gives back everything {@code holder} reserved; nothing when it holds nothing. The holder
     * must reserve nothing more afterwards, or do so only after this returned.
     */
    void releaseAll(H holder) {
        Long amount = held.remove(holder);
        if (amount != null) {
            used.addAndGet(-amount);
        }
    }

    /** {@code holder}'s side of the budget, for the buffer that holds the bytes. */
    Account account(H holder) {
        return new Account(holder);
    }

    /** One holder's reservations and releases. Thread-safe as the budget is. */
    final class Account {

        private final H holder;

        private Account(H holder) {
            this.holder = holder;
        }

        /** As {@link ReceiveBudget#tryReserve}, for this holder. */
        boolean tryReserve(long bytes) {
            return ReceiveBudget.this.tryReserve(holder, bytes);
        }

        /** As {@link ReceiveBudget#release}, for this holder. */
        void release(long bytes) {
            ReceiveBudget.this.release(holder, bytes);
        }
    }

    /** The holder with the most bytes now, or empty when nobody holds any. */
    Optional<H> largestHolder() {
        H largest = null;
        long most = 0;
        for (Map.Entry<H, Long> entry : held.entrySet()) {
            if (entry.getValue() > most) {
                most = entry.getValue();
                largest = entry.getKey();
            }
        }
        return Optional.ofNullable(largest);
    }

    /** The bytes {@code holder} holds now. */
    long held(H holder) {
        return held.getOrDefault(holder, 0L);
    }

    /** The number of holders that hold bytes now. */
    int holders() {
        return held.size();
    }

    /** The bytes held now, over all holders. */
    long used() {
        return used.get();
    }

    /** The most bytes held at once so far. */
    long highWater() {
        return highWater.get();
    }

    /** The most bytes all holders may hold together. */
    long limit() {
        return limit;
    }
}
