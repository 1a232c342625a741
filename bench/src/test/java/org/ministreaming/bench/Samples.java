package org.ministreaming.bench;

import java.util.ArrayList;
import java.util.List;

/** Measured values of one kind, in the order measured. Not thread-safe. */
final class Samples {

    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    List<Double> values() {
        return List.copyOf(values);
    }

    /** The median: the middle value, or the mean of the two middle ones. */
    double median() {
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The 90th percentile, by nearest rank: the smallest value at least 90 % of the values do not exceed. */
    double p90() {
        List<Double> sorted = sorted();
        int rank = (int) Math.ceil(0.9 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    private List<Double> sorted() {
        if (values.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted;
    }
}
