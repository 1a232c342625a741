package org.ministreaming.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.reliable.ReliableTransport;
import org.ministreaming.transport.reliable.ReliableTransportBuilder;

/**
 * ministreaming in reliable mode with I2CP's frames and flight ({@link ReliableTransportBuilder#forI2pTunnels}),
 * next to I2P's own streaming library 2.7.0, both with their defaults and writes of 64 KiB, and
 * ministreaming again with each message in one frame (as before frames were fitted to the path),
 * over the same simulated I2P path ({@link PathConditions#GOOD_I2P}, {@link PathConditions#POOR_I2P};
 * one test each, so that they can run apart): connects with the first byte of a reply, bulk
 * transfers checked with SHA-256, and a bulk transfer through which the path loses everything for
 * 10 s. The contenders take turns, each on a network of its own seeded alike. Prints each sample as
 * it comes, then a Markdown table. Not part of the normal build; run it with
 * {@code ./mvnw -B -o -pl bench -am test -Dbenchmark=true -Dtest='SimulatedI2pBenchmark#goodI2pPath' -Dsurefire.failIfNoSpecifiedTests=false}
 * (or {@code #poorI2pPath}; {@code #goodI2pPathFrames} and {@code #poorI2pPathFrames} for
 * ministreaming alone with several frame sizes, {@code #goodI2pPathFlights} and
 * {@code #poorI2pPathFlights} with several flights; docs/benchmarks.md, "Over a simulated I2P network").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class SimulatedI2pBenchmark {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(300);
    private static final int CONNECTS = 10;
    private static final int RUNS = 3;
    private static final Duration STALL_AFTER = Duration.ofSeconds(3);
    private static final Duration STALL = Duration.ofSeconds(10);
    private static final long QUIET_MILLIS = 200;
    /** The frame sizes {@code #goodI2pPathFrames} and {@code #poorI2pPathFrames} compare. */
    private static final int[] FRAME_SIZES = {1024, 2048, 4096, 8192};
    /**
     * The flights (frames in flight) {@code #goodI2pPathFlights} and {@code #poorI2pPathFlights}
     * compare, the window (64) being no limit; {@code -Dflights=24,32} chooses others, and
     * {@code -DflightFrame=2048 -DflightWindow=128} another frame size and window.
     */
    private static final int[] FLIGHTS = Arrays.stream(System.getProperty("flights", "20,28,40,64").split(",")).mapToInt(Integer::parseInt).toArray();

    /** Opens one contender's run on a path with the given conditions. */
    @FunctionalInterface
    private interface Opener {
        SimulatedRun open(PathConditions conditions) throws IOException;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void goodI2pPath() throws Exception {
        compare("good I2P path", PathConditions.GOOD_I2P, 2L << 20, 4L << 20, sideBySide());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.MINUTES)
    void poorI2pPath() throws Exception {
        compare("poor I2P path", PathConditions.POOR_I2P, 512L << 10, 1L << 20, sideBySide());
    }

    /** ministreaming alone on the good path, with each of {@link #FRAME_SIZES}: the choice of I2CP's frame size. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void goodI2pPathFrames() throws Exception {
        compare("good I2P path", PathConditions.GOOD_I2P, 2L << 20, 4L << 20, frameSizes());
    }

    /** ministreaming alone on the poor path, with each of {@link #FRAME_SIZES}. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void poorI2pPathFrames() throws Exception {
        compare("poor I2P path", PathConditions.POOR_I2P, 512L << 10, 1L << 20, frameSizes());
    }

    /** ministreaming alone on the good path, frames of {@link ReliableTransportBuilder#I2P_MAX_FRAME}, with each of {@link #FLIGHTS}. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void goodI2pPathFlights() throws Exception {
        compare("good I2P path", PathConditions.GOOD_I2P, 2L << 20, 4L << 20, flights());
    }

    /** ministreaming alone on the poor path, frames of {@link ReliableTransportBuilder#I2P_MAX_FRAME}, with each of {@link #FLIGHTS}. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void poorI2pPathFlights() throws Exception {
        compare("poor I2P path", PathConditions.POOR_I2P, 512L << 10, 1L << 20, flights());
    }

    /**
     * ministreaming alone on the poor path with I2CP's frames and flight, and receive windows of
     * 256 KiB (the default start), 512 KiB and 1 MiB, with the reliable layer's window of 64 and
     * of 128 frames: whether flow control or the reliable window holds the sender while a lost
     * frame is recovered.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void poorI2pPathWindows() throws Exception {
        List<Opener> openers = new ArrayList<>();
        for (int[] windows : new int[][] {{256, 64}, {512, 64}, {512, 128}, {1024, 128}}) {
            StreamOptions options = options().receiveBufferSize(windows[0] * 1024).build();
            openers.add(ministreaming("ministreaming (reliable), I2CP's frames and flight, receive window " + windows[0] + " KiB, window "
                    + windows[1] + " frames", options, reliable -> reliable.forI2pTunnels().window(windows[1])));
        }
        compare("poor I2P path", PathConditions.POOR_I2P, 512L << 10, 1L << 20, openers);
    }

    private static List<Opener> flights() {
        List<Opener> openers = new ArrayList<>();
        int frame = Integer.getInteger("flightFrame", ReliableTransportBuilder.I2P_MAX_FRAME);
        int window = Integer.getInteger("flightWindow", ReliableTransport.DEFAULT_WINDOW);
        for (int flight : FLIGHTS) {
            openers.add(ministreaming("ministreaming (reliable), frames of " + frame + " bytes, window " + window + ", flight " + flight,
                    reliable -> reliable.maxFrame(frame).window(window).maxInFlight(flight)));
        }
        return openers;
    }

    private static List<Opener> sideBySide() {
        return List.of(ministreaming("ministreaming (reliable), I2CP's frames (" + ReliableTransportBuilder.I2P_MAX_FRAME + " bytes) and flight ("
                        + ReliableTransportBuilder.I2P_MAX_IN_FLIGHT + ")", ReliableTransportBuilder::forI2pTunnels),
                conditions -> SimulatedRun.start(SimulatedStreamingPath.open(conditions, new Random(14), READ_TIMEOUT), conditions, Payload.CHUNK),
                ministreaming("ministreaming (reliable), whole messages", reliable -> reliable));
    }

    private static List<Opener> frameSizes() {
        List<Opener> openers = new ArrayList<>();
        for (int maxFrame : FRAME_SIZES) {
            // A 64 KiB message must fit in the window: 1 KiB frames need more than the default 64.
            int window = Math.max(ReliableTransport.DEFAULT_WINDOW, 2 * (65536 / maxFrame + 1));
            openers.add(ministreaming("ministreaming (reliable), frames of " + maxFrame + " bytes, window " + window,
                    reliable -> reliable.maxFrame(maxFrame).window(window)));
        }
        return openers;
    }

    private static Opener ministreaming(String name, UnaryOperator<ReliableTransportBuilder> reliable) {
        return ministreaming(name, options().build(), reliable);
    }

    private static Opener ministreaming(String name, StreamOptions options, UnaryOperator<ReliableTransportBuilder> reliable) {
        return conditions -> SimulatedRun.start(SimulatedMinistreamingPath.open(name, conditions, new Random(14), options, reliable), conditions,
                Payload.CHUNK);
    }

    private static StreamOptions.Builder options() {
        return StreamOptions.builder().readTimeout(READ_TIMEOUT).writeTimeout(READ_TIMEOUT);
    }

    private static void compare(String preset, PathConditions conditions, long bulkBytes, long stallBytes, List<Opener> openers) throws Exception {
        System.out.printf(Locale.ROOT, "%s: %s; load average before: %s%n", preset, conditions, loadAverage());
        List<Contender> contenders = new ArrayList<>();
        try {
            for (Opener opener : openers) {
                contenders.add(new Contender(opener.open(conditions)));
            }
            for (int i = 0; i < CONNECTS; i++) {
                for (Contender contender : contenders) {
                    Thread.sleep(QUIET_MILLIS);
                    SimulatedRun.Connect connect = contender.run.connect();
                    contender.connects.add(connect.connectNanos() / 1e6);
                    contender.firstBytes.add(connect.firstByteNanos() / 1e6);
                    System.out.printf(Locale.ROOT, "%s, %s, connect %d: connected in %.0f ms, first byte in %.0f ms%n", preset, contender.name, i + 1,
                            connect.connectNanos() / 1e6, connect.firstByteNanos() / 1e6);
                }
            }
            for (int run = 1; run <= RUNS; run++) {
                for (Contender contender : contenders) {
                    contender.bulk(preset, "bulk run " + run, bulkBytes, run, Duration.ZERO, conditions);
                }
            }
            for (Contender contender : contenders) {
                contender.bulk(preset, "stall of 10 s after 3 s", stallBytes, 99, STALL, conditions);
            }
            System.out.printf(Locale.ROOT, "%nload average after: %s%n%n", loadAverage());
            for (Contender contender : contenders) {
                System.out.printf(Locale.ROOT, "%s, %s: path client->server %s, server->client %s%n", preset, contender.name,
                        contender.path.clientToServer(), contender.path.serverToClient());
            }
            System.out.println();
            System.out.println("| " + preset + " | connect, median (ms) | first byte, median (ms) | bulk goodput, median (KiB/s) | of the cap | stall: total (s) | back after (s) |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Contender contender : contenders) {
                System.out.println(contender.row(conditions));
            }
            Samples ours = contenders.get(0).goodputs;
            Samples theirs = contenders.get(1).goodputs;
            if (!ours.values().isEmpty() && !theirs.values().isEmpty() && contenders.get(1).name.contains("I2P streaming")) {
                System.out.printf(Locale.ROOT, "%nbulk goodput, median over median: %s %.2f times %s%n", contenders.get(0).name, ours.median() / theirs.median(),
                        contenders.get(1).name);
            }
        } finally {
            for (Contender contender : contenders) {
                contender.run.close();
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** One contender's run and its figures. */
    private static final class Contender {
        final SimulatedStreamPath path;
        final SimulatedRun run;
        final String name;
        final Samples connects = new Samples();
        final Samples firstBytes = new Samples();
        final Samples goodputs = new Samples();
        String stall = "n/a";
        String resume = "n/a";

        Contender(SimulatedRun run) {
            this.run = run;
            this.path = run.path();
            this.name = path.name();
        }

        void bulk(String preset, String what, long bytes, long seed, Duration stallFor, PathConditions conditions) {
            try {
                SimulatedRun.Bulk bulk = run.bulk(bytes, seed, STALL_AFTER, stallFor);
                double seconds = bulk.nanos() / 1e9;
                double kibPerSecond = bytes / 1024.0 / seconds;
                System.out.printf(Locale.ROOT, "%s, %s, %s: %d KiB in %.2f s, %.1f KiB/s (%.0f %% of the cap), SHA-256 %s%s%n", preset, name, what, bytes >> 10,
                        seconds, kibPerSecond, 100 * kibPerSecond * 1024 / conditions.bytesPerSecond(), bulk.intact() ? "matches" : "DIFFERS",
                        bulk.resumeNanos() < 0 ? "" : String.format(Locale.ROOT, ", bytes arrived again %.2f s after the path came back", bulk.resumeNanos() / 1e9));
                if (!bulk.intact()) {
                    throw new AssertionError(name + ": the bytes arrived corrupted");
                }
                if (stallFor.isZero()) {
                    goodputs.add(kibPerSecond);
                } else {
                    stall = String.format(Locale.ROOT, "%.1f", seconds);
                    resume = String.format(Locale.ROOT, "%.1f", bulk.resumeNanos() / 1e9);
                }
            } catch (IOException e) {
                System.out.printf(Locale.ROOT, "%s, %s, %s: FAILED: %s%n", preset, name, what, e);
                if (!stallFor.isZero()) {
                    stall = "failed: " + e.getMessage();
                }
            }
        }

        String row(PathConditions conditions) {
            String goodput = goodputs.values().isEmpty() ? "all failed" : String.format(Locale.ROOT, "%.1f", goodputs.median());
            String share = goodputs.values().isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * goodputs.median() * 1024 / conditions.bytesPerSecond());
            return String.format(Locale.ROOT, "| %s | %.0f (%.2f round trips) | %.0f | %s | %s | %s | %s |", name, connects.median(),
                    connects.median() / conditions.roundTrip().toMillis(), firstBytes.median(), goodput, share, stall, resume);
        }
    }
}
