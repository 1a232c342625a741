package org.ministreaming.transport.reliable;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The {@link ReliableCounter}s of one transport. Thread-safe. */
final class Counters {

    private final Map<ReliableCounter, LongAdder> counters = new EnumMap<>(ReliableCounter.class);

    Counters() {
        for (ReliableCounter counter : ReliableCounter.values()) {
            counters.put(counter, new LongAdder());
        }
    }

    void increment(ReliableCounter counter) {
        counters.get(counter).increment();
    }

    void add(ReliableCounter counter, long amount) {
        counters.get(counter).add(amount);
    }

    long get(ReliableCounter counter) {
        return counters.get(counter).sum();
    }

    /** Every counter, in declaration order. */
    Map<ReliableCounter, Long> snapshot() {
        Map<ReliableCounter, Long> copy = new EnumMap<>(ReliableCounter.class);
        counters.forEach((counter, value) -> copy.put(counter, value.sum()));
        return Collections.unmodifiableMap(copy);
    }
}
