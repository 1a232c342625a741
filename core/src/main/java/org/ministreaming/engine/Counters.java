package org.ministreaming.engine;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.ministreaming.Counter;

/** The engine's event counts. Thread-safe and cheap to bump from any thread. */
final class Counters {

    private final LongAdder[] counts = new LongAdder[Counter.values().length];

    Counters() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void increment(Counter counter) {
        counts[counter.ordinal()].increment();
    }

    void add(Counter counter, long n) {
        counts[counter.ordinal()].add(n);
    }

    long get(Counter counter) {
        return counts[counter.ordinal()].sum();
    }

    Map<Counter, Long> snapshot() {
        Map<Counter, Long> snapshot = new EnumMap<>(Counter.class);
        for (Counter counter : Counter.values()) {
            snapshot.put(counter, get(counter));
        }
        return snapshot;
    }
}
