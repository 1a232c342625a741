package org.ministreaming.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ministreaming.bench.throughput.JitClock;

/**
 * How every contender is measured. Each warms up first: {@value #WARM_UP_CONNECTS} connects, then
 * bulk transfers until the JIT compiler was quiet during one ({@link JitClock#quiet}: busy for at
 * most a twentieth of it), at most {@value #MAX_WARM_UPS}; then {@value #CONNECTS} connects, each
 * after a quiet {@value #QUIET_MILLIS} ms, and {@value #RUNS} bulk transfers of 64 MiB, the
 * contenders taking turns, so that a change in the machine's load hits them all. Each sample is
 * printed as it comes.
 */
final class Measurement {

    /** The size of a bulk transfer. */
    static final long BULK_BYTES = 64L << 20;
    /** How long a read on any stream waits. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final int RUNS = 3;
    private static final int CONNECTS = 20;
    private static final int WARM_UP_CONNECTS = 5;
    private static final int MAX_WARM_UPS = 8;
    /**
     * The quiet before each connect. Back to back, a connect meets the previous connection's
     * closing messages, which small-segment delays on the I2CP sockets (Nagle's algorithm against
     * delayed acknowledgements) can hold for tens of milliseconds.
     */
    private static final long QUIET_MILLIS = 250;

    private Measurement() {
    }

    /** Measures {@code contenders}; returns one row each, in the same order. */
    static List<Row> measure(List<Contender> contenders) throws Exception {
        for (Contender contender : contenders) {
            for (int i = 0; i < WARM_UP_CONNECTS; i++) {
                connect(contender);
            }
            warmUp(contender);
        }
        Map<Contender, Samples> connects = new LinkedHashMap<>();
        Map<Contender, Samples> rates = new LinkedHashMap<>();
        for (Contender contender : contenders) {
            connects.put(contender, new Samples());
            rates.put(contender, new Samples());
        }
        for (int i = 0; i < CONNECTS; i++) {
            for (Contender contender : contenders) {
                connects.get(contender).add(connect(contender) / 1e6);
            }
        }
        for (Contender contender : contenders) {
            System.out.printf(Locale.ROOT, "connect, %s: %s ms%n", contender.name(), format(connects.get(contender)));
        }
        for (int run = 1; run <= RUNS; run++) {
            for (Contender contender : contenders) {
                long nanos = contender.transferNanos(BULK_BYTES);
                rates.get(contender).add(BULK_BYTES / (nanos / 1e9));
                print("run " + run, contender, nanos);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Contender contender : contenders) {
            rows.add(new Row(contender.name(), connects.get(contender), rates.get(contender), contender.remarks()));
        }
        return rows;
    }

    /** Closes every contender, even if one fails to close. */
    static void closeAll(List<Contender> contenders) throws Exception {
        Exception failure = null;
        for (Contender contender : contenders) {
            try {
                contender.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Bulk transfers until the compiler was quiet during one, or {@value #MAX_WARM_UPS} of them; each printed with its compile time. */
    private static void warmUp(Contender contender) throws Exception {
        for (int turn = 1; ; turn++) {
            long compiledBefore = JitClock.millis();
            long nanos = contender.transferNanos(BULK_BYTES);
            long compiled = JitClock.millis() - compiledBefore;
            print("warm-up " + turn + " (" + (JitClock.readable() ? compiled + " ms compiling" : "compile time unknown") + ")", contender, nanos);
            if (!JitClock.readable() || JitClock.quiet(compiled, nanos) || turn == MAX_WARM_UPS) {
                return;
            }
        }
    }

    private static long connect(Contender contender) throws Exception {
        Thread.sleep(QUIET_MILLIS);
        return contender.connectNanos();
    }

    private static void print(String what, Contender contender, long nanos) {
        System.out.printf(Locale.ROOT, "%s, %s: %d MiB in %.2f s, %.1f MiB/s%n", what, contender.name(), BULK_BYTES >> 20,
                nanos / 1e9, BULK_BYTES / (double) (1 << 20) / (nanos / 1e9));
    }

    private static String format(Samples samples) {
        StringBuilder text = new StringBuilder();
        for (double value : samples.values()) {
            text.append(text.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", value));
        }
        return text.toString();
    }
}
