package org.ministreaming.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * Over one real I2P router (a child process, zero-hop tunnels), in one run: ministreaming over
 * the I2CP transport in reliable mode, I2P's own streaming library, raw I2CP messages and, for
 * scale, raw TCP on loopback. Each contender warms up first; then connects (each after a quiet
 * {@value #QUIET_MILLIS} ms) and bulk transfers take turns between the contenders, so that a change
 * in the machine's load hits them all.
 * Prints each sample as it comes, then a Markdown table and the ratios. Not part of the normal
 * build; run it with
 * {@code ./mvnw -B -pl bench -am test -Dbenchmark=true -Dtest=I2cpBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (docs/benchmarks.md, "Over a real I2P router (I2CP)").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith(SharedRouter.class)
class I2cpBenchmark {

    private static final long BULK_BYTES = 64L << 20;
    private static final int RUNS = 3;
    private static final int CONNECTS = 20;
    private static final int WARM_UP_CONNECTS = 5;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The quiet before each connect. Back to back, a connect meets the previous connection's
     * closing messages, which small-segment delays on the I2CP sockets (Nagle's algorithm against
     * delayed acknowledgements) can hold for tens of milliseconds.
     */
    private static final long QUIET_MILLIS = 250;

    @Test
    @Timeout(value = 45, unit = TimeUnit.MINUTES)
    void ministreamingNextToI2pStreamingRawI2cpAndTcp(I2pRouter router) throws Exception {
        StreamOptions options = StreamOptions.builder().readTimeout(READ_TIMEOUT).build();
        List<Contender> contenders = new ArrayList<>();
        try {
            contenders.add(StreamContender.start(MinistreamingPath.open("ministreaming (I2CP, reliable)", router, options, Map.of())));
            contenders.add(StreamContender.start(I2pStreamingPath.open(router, READ_TIMEOUT)));
            contenders.add(I2cpMessages.open(router));
            contenders.add(StreamContender.start(TcpPath.open(READ_TIMEOUT)));
            List<Row> rows = measure(contenders);
            System.out.println();
            Row.print(rows, System.out);
            System.out.println();
            rows.get(0).printRatios(rows.get(1), System.out);
            rows.get(0).printRatios(rows.get(2), System.out);
        } finally {
            for (Contender contender : contenders) {
                contender.close();
            }
        }
    }

    private static List<Row> measure(List<Contender> contenders) throws Exception {
        for (Contender contender : contenders) {
            for (int i = 0; i < WARM_UP_CONNECTS; i++) {
                connect(contender);
            }
            print("warm-up", contender, contender.transferNanos(BULK_BYTES));
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
