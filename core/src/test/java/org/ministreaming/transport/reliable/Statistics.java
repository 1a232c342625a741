package org.ministreaming.transport.reliable;

import java.util.EnumMap;
import java.util.Map;

/** Adds up the counters of several endpoints. */
final class Statistics {

    private Statistics() {
    }

    @SafeVarargs
    static Map<ReliableCounter, Long> sum(Map<ReliableCounter, Long>... endpoints) {
        Map<ReliableCounter, Long> total = new EnumMap<>(ReliableCounter.class);
        for (Map<ReliableCounter, Long> endpoint : endpoints) {
            endpoint.forEach((counter, value) -> total.merge(counter, value, Long::sum));
        }
        return total;
    }
}
