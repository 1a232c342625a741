package org.ministreaming.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.memory.PathCounts;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransportBuilder;

/**
 * Where the time of a bulk transfer goes on a simulated I2P path: ministreaming alone, bulk
 * transfers one after another on one pair of endpoints, each followed by what the path did with
 * the client's messages (delivered, lost to a fragment, dropped by the full queue), the client's
 * reliable counters (frames sent, retransmitted, of those fast, tail-loss probes and tail copies, timeouts), and with
 * {@code -Dtimeline=true} a line of what crossed the path each half second (messages offered to
 * the path / new frames / retransmissions), which shows when the path stood idle. Not part of the
 * normal build:
 * {@code ./mvnw -B -o -pl bench -am test -Dbenchmark=true -Dtest=SimulatedI2pDiagnosis -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.skip=true},
 * with {@code -Dpreset=good} for the good path, {@code -Druns=}, {@code -Didle=} seconds between runs (past the engine's
 * 60 s {@code peerGracePeriod} it forgets the peer, as in {@link SimulatedI2pBenchmark}'s turns), and {@code -Dframe= -Dwindow= -Dflight= -Dpacing=}
 * for the reliable layer (default: {@link ReliableTransportBuilder#forI2pTunnels}), {@code -DreceiveWindow=} KiB for the
 * engine's starting flow-control window ({@link StreamOptions#receiveBufferSize}).
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class SimulatedI2pDiagnosis {

    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void bulkTransfers() throws Exception {
        boolean good = "good".equals(System.getProperty("preset"));
        PathConditions conditions = good ? PathConditions.GOOD_I2P : PathConditions.POOR_I2P;
        long bytes = good ? 2L << 20 : 512L << 10;
        int frame = Integer.getInteger("frame", ReliableTransportBuilder.I2P_MAX_FRAME);
        int flight = Integer.getInteger("flight", ReliableTransportBuilder.I2P_MAX_IN_FLIGHT);
        int window = Integer.getInteger("window", ReliableTransportBuilder.I2P_WINDOW);
        int receiveWindow = Integer.getInteger("receiveWindow", StreamOptions.DEFAULT_RECEIVE_BUFFER_SIZE >> 10);
        boolean pacing = !"false".equals(System.getProperty("pacing"));
        int runs = Integer.getInteger("runs", 3);
        int idle = Integer.getInteger("idle", 0);
        StreamOptions options = StreamOptions.builder().readTimeout(TIMEOUT).writeTimeout(TIMEOUT).receiveBufferSize(receiveWindow << 10).build();
        System.out.printf(Locale.ROOT, "%s; frames of %d bytes, window %d, flight %d, pacing %s, receive window %d KiB%n", conditions, frame, window, flight,
                pacing, receiveWindow);
        SimulatedMinistreamingPath path = SimulatedMinistreamingPath.open("diagnosis", conditions, new Random(14), options,
                reliable -> reliable.maxFrame(frame).window(window).maxInFlight(flight).pacing(pacing));
        try (SimulatedRun run = SimulatedRun.start(path, conditions, Payload.CHUNK)) {
            System.out.printf(Locale.ROOT, "connected in %.0f ms%n", run.connect().connectNanos() / 1e6);
            for (int i = 1; i <= runs; i++) {
                if (i > 1 && idle > 0) {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
                }
                bulk(path, run, conditions, bytes, i);
            }
        } finally {
            path.close();
        }
    }

    private static void bulk(SimulatedMinistreamingPath path, SimulatedRun run, PathConditions conditions, long bytes, int seed) throws Exception {
        PathCounts before = path.clientToServer();
        Map<ReliableCounter, Long> counters = path.clientStatistics();
        StringBuilder timeline = new StringBuilder();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> PathServer.daemon(task, "sim-timeline"));
        if (Boolean.getBoolean("timeline")) {
            long[] last = {offered(before), counters.get(ReliableCounter.MESSAGES_SENT), counters.get(ReliableCounter.RETRANSMITTED)};
            sampler.scheduleAtFixedRate(() -> {
                long offered = offered(path.clientToServer());
                Map<ReliableCounter, Long> now = path.clientStatistics();
                long sent = now.get(ReliableCounter.MESSAGES_SENT);
                long again = now.get(ReliableCounter.RETRANSMITTED);
                timeline.append(String.format(Locale.ROOT, " %d/%d/%d", offered - last[0], sent - last[1], again - last[2]));
                last[0] = offered;
                last[1] = sent;
                last[2] = again;
            }, 500, 500, TimeUnit.MILLISECONDS);
        }
        SimulatedRun.Bulk bulk;
        try {
            bulk = run.bulk(bytes, seed, Duration.ZERO, Duration.ZERO);
        } finally {
            sampler.shutdownNow();
        }
        PathCounts after = path.clientToServer();
        Map<ReliableCounter, Long> countersAfter = path.clientStatistics();
        double seconds = bulk.nanos() / 1e9;
        System.out.printf(Locale.ROOT, "run %d: %.2f s, %.1f KiB/s (%.0f %% of the cap), SHA-256 %s; client to server: delivered %d, lost to a fragment %d,"
                + " dropped by the queue %d; frames sent %d, retransmitted %d (fast %d, tail-loss probes %d, tail copies %d), timeouts %d%n", seed, seconds, bytes / 1024.0 / seconds,
                100 * bytes / seconds / conditions.bytesPerSecond(), bulk.intact() ? "matches" : "DIFFERS", after.delivered() - before.delivered(),
                after.fragmentLosses() - before.fragmentLosses(), after.queueDrops() - before.queueDrops(),
                delta(countersAfter, counters, ReliableCounter.MESSAGES_SENT), delta(countersAfter, counters, ReliableCounter.RETRANSMITTED),
                delta(countersAfter, counters, ReliableCounter.FAST_RETRANSMITTED),
                delta(countersAfter, counters, ReliableCounter.TAIL_LOSS_PROBES), delta(countersAfter, counters, ReliableCounter.TAIL_COPIES),
                delta(countersAfter, counters, ReliableCounter.TIMEOUTS));
        if (timeline.length() > 0) {
            System.out.println("  each 0.5 s, offered to the path / new frames / retransmissions:" + timeline);
        }
        if (!bulk.intact()) {
            throw new AssertionError("the bytes arrived corrupted");
        }
    }

    private static long offered(PathCounts counts) {
        return counts.delivered() + counts.fragmentLosses() + counts.queueDrops();
    }

    private static long delta(Map<ReliableCounter, Long> after, Map<ReliableCounter, Long> before, ReliableCounter counter) {
        return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
    }
}
