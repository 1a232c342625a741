package org.ministreaming.bench.throughput;

import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * One round of {@code bench}: a timed transfer over each path, and how they compare. Immutable,
 * so thread-safe.
 *
 * @param ministreaming the transfer over ministreaming
 * @param raw the same transfer over raw TCP
 */
public record Round(Result ministreaming, Result raw) {

    /** How many times faster raw TCP's fastest round may be than its slowest before {@link #unsteady} warns. */
    public static final double UNSTEADY = 1.3;

    /** A round in which raw TCP went first. */
    public static Round reversed(Result raw, Result ministreaming) {
        return new Round(ministreaming, raw);
    }

    /** Ministreaming's throughput over raw TCP's. */
    double ratio() {
        return ministreaming.mebibytesPerSecond() / raw.mebibytesPerSecond();
    }

    /** Ministreaming's CPU time per byte over raw TCP's, or NaN when either is unknown. */
    double cpuRatio() {
        if (ministreaming.cpuNanos() < 0 || raw.cpuNanos() <= 0) {
            return Double.NaN;
        }
        return perByte(ministreaming) / perByte(raw);
    }

    /** {@code label} and the round's ratio, with the CPU ratio when it is known. */
    public String describe(String label) {
        return format(label, ratio(), cpuRatio());
    }

    /** The medians of the rounds' ratios, in a line. */
    public static String medians(List<Round> rounds) {
        return format("medians of " + rounds.size() + " rounds: ratio ministreaming / raw TCP ",
                median(rounds, Round::ratio), median(rounds, Round::cpuRatio));
    }

    /**
     * A warning when raw TCP's throughput differed between the rounds by at least
     * {@link #UNSTEADY} times: the machine's speed changed during the run (on a shared virtual
     * machine, loopback TCP can pass between a fast and a slow state on its own), and ministreaming
     * need not change with it as much, so the medians mix rounds that do not compare.
     *
     * @return the warning, or empty when raw TCP held steady or there was one round
     */
    public static Optional<String> unsteady(List<Round> rounds) {
        DoubleSummaryStatistics raw = rounds.stream().mapToDouble(round -> round.raw.mebibytesPerSecond()).summaryStatistics();
        if (raw.getCount() < 2 || raw.getMax() < UNSTEADY * raw.getMin()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "note: raw TCP moved %.0f to %.0f MiB/s in these rounds: the machine's speed changed during the run, so the"
                        + " medians mix rounds that do not compare; compare rounds in which raw TCP moved about the same",
                raw.getMin(), raw.getMax()));
    }

    private static String format(String label, double ratio, double cpuRatio) {
        return String.format(Locale.ROOT, "%s%.2f", label, ratio)
                + (Double.isNaN(cpuRatio) ? "" : String.format(Locale.ROOT, ", CPU per GiB %.2f times raw TCP's", cpuRatio));
    }

    private static double perByte(Result result) {
        return (double) result.cpuNanos() / Math.max(result.bytes(), 1);
    }

    /** The median of {@code value} over the rounds (the mean of the middle two for an even count); NaN if any is. */
    static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
        double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
        if (Double.isNaN(values[values.length - 1])) {
            return Double.NaN; // sorted last
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
