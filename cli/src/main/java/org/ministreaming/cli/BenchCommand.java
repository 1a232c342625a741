package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ministreaming.StreamOptions;
import org.ministreaming.bench.throughput.Data;
import org.ministreaming.bench.throughput.JitClock;
import org.ministreaming.bench.throughput.MinistreamingPath;
import org.ministreaming.bench.throughput.MismatchException;
import org.ministreaming.bench.throughput.Path;
import org.ministreaming.bench.throughput.RawTcpPath;
import org.ministreaming.bench.throughput.Result;
import org.ministreaming.bench.throughput.Round;
import org.ministreaming.bench.throughput.Throughput;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ministreaming bench}: the throughput of ministreaming over the TCP transport on loopback,
 * next to raw TCP sockets moving the same bytes the same way, and their ratio.
 *
 * <p>The measuring is {@link Throughput}'s; this class reads the options and prints.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Sends SIZE bytes one way over loopback twice: over ministreaming (two managers in this process,"
                    + " TCP transport, plain TCP, one link) and over raw TCP sockets (java.net.Socket), and prints"
                    + " both throughputs in MiB/s and their ratio, ministreaming / raw TCP.",
            "Both paths write the same pre-generated random bytes in the same chunks; nothing is generated or hashed"
                    + " while the clock runs. Warm-up transfers over each path come first, not counted, in turns until the JIT"
                    + " compiler is quiet.",
            "With --rounds N the two paths take turns N times (ministreaming first in odd rounds, raw TCP in even ones);"
                    + " every round is printed, then the medians of the rounds' ratios, and a note when raw TCP's throughput"
                    + " differed between rounds by 30%% or more (the machine's speed changed, and the medians mix its states).",
            "Receivers count the bytes; --verify also compares every byte received (on both paths, inside the timing)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":both transfers completed",
            ExitCodes.FAILURE + ":a stream arrived different from what was sent",
            ExitCodes.USAGE + ":the command line is wrong",
            ExitCodes.IO_ERROR + ":a connection failed or stalled"})
final class BenchCommand implements Callable<Integer> {

    /** Most concurrent streams. */
    static final int MAX_STREAMS = 64;
    /** Most rounds. */
    static final int MAX_ROUNDS = 100;
    /** Most warm-up turns. */
    static final int MAX_WARMUP_TURNS = 100;
    /** Largest chunk: 16 MiB. */
    static final long MAX_CHUNK = 16L << 20;

    private static final long SEED = 1;
    private static final String TRANSPORT_LOGGER = "org.ministreaming.transport.tcp";
    private static final String INDENT = "   ";

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1G", converter = ByteSize.class,
            description = "Bytes to send over each path, spread over the streams: a number, optionally with K, M or G"
                    + " (1K = 1024). Default: ${DEFAULT-VALUE}.")
    private long size;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "1",
            description = "Concurrent streams: ministreaming connections over the one link, and as many raw socket pairs."
                    + " 1 to " + MAX_STREAMS + ". Default: ${DEFAULT-VALUE}.")
    private int streams;

    @Option(names = "--chunk", paramLabel = "SIZE", defaultValue = "64K", converter = ByteSize.class,
            description = "Bytes per write, and the largest read, on both paths; at most 16M. Default: ${DEFAULT-VALUE}.")
    private long chunk;

    @Option(names = "--warmup", paramLabel = "SIZE", defaultValue = "1G", converter = WarmupSize.class,
            description = "Bytes sent over each path in each warm-up turn before the timed runs, so that the JIT has compiled"
                    + " the hot paths (on two cores C2 was still compiling the per-message paths after 64M); 0 for none."
                    + " Default: ${DEFAULT-VALUE}.")
    private long warmup;

    @Option(names = "--warmup-turns", paramLabel = "N", defaultValue = "10",
            description = "Most warm-up turns: they go on until one in which the JIT compiler was busy for at most 5%% of the"
                    + " time (with four streams on two cores that took five to ten turns of 1G); 1 for a single turn."
                    + " 1 to " + MAX_WARMUP_TURNS + ". Default: ${DEFAULT-VALUE}.")
    private int warmupTurns;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "4",
            description = "Timed transfers over each path, taking turns; the first rounds may still include the JIT compiling,"
                    + " and the medians of the rounds' ratios come last. 1 to " + MAX_ROUNDS + ". Default: ${DEFAULT-VALUE}.")
    private int rounds;

    @Mixin
    private ReceiveOptions receive;

    @Option(names = "--verify", description = "Compare every byte received with the byte sent (a memory compare, on both paths).")
    private boolean verify;

    @Spec
    private CommandSpec spec;

    /** Runs the warm-ups and both timed transfers; 0 if every stream arrived whole. */
    @Override
    public Integer call() throws IOException {
        checkArguments();
        PrintWriter out = spec.commandLine().getOut();
        int window = receive.window();
        out.println("Benchmark: " + ByteSize.format(size) + " one way over " + streams + (streams == 1 ? " stream" : " streams")
                + " on loopback, written in chunks of " + ByteSize.format(chunk));
        out.println(INDENT + "ministreaming: two managers in this process, TCP transport (plain TCP), one link for all streams,"
                + " flow control with a " + ByteSize.format(window) + " window");
        out.println(INDENT + "raw TCP: " + streams + " java.net.Socket " + (streams == 1 ? "pair" : "pairs")
                + " on 127.0.0.1, TCP_NODELAY, the same chunks of the same data");
        out.println(INDENT + "data: 1 MiB of random bytes made before timing, sent over and over; "
                + (verify ? "every byte received is compared with the byte sent (inside the timing, on both paths)"
                        : "receivers count the bytes (--verify compares them too)"));
        out.flush();
        Data data = Data.of((int) chunk, SEED);
        List<Round> done = new ArrayList<>();
        Logger transportLog = Logger.getLogger(TRANSPORT_LOGGER);
        Level logLevel = transportLog.getLevel();
        // Links that end because the benchmark closes them are no news; warnings still show.
        transportLog.setLevel(Level.WARNING);
        try (MinistreamingPath ms = new MinistreamingPath(receive.applyTo(StreamOptions.builder()));
             RawTcpPath tcp = new RawTcpPath()) {
            if (warmup > 0) {
                warmUp(out, ms, tcp, data);
            } else {
                out.println("Warm-up: none (--warmup 0); the first numbers include the JIT compiling");
                out.flush();
            }
            for (int i = 1; i <= rounds; i++) {
                if (rounds > 1) {
                    out.println("Round " + i + " of " + rounds + ":");
                }
                Round round = i % 2 == 1 ? new Round(timed(out, ms, data), timed(out, tcp, data))
                        : Round.reversed(timed(out, tcp, data), timed(out, ms, data));
                out.println(round.describe("ratio ministreaming / raw TCP: "));
                out.flush();
                done.add(round);
            }
        } catch (MismatchException e) {
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            err.println("ministreaming: bench failed: " + Reasons.of(e));
            err.flush();
            return ExitCodes.FAILURE;
        } finally {
            transportLog.setLevel(logLevel);
        }
        if (rounds > 1) {
            out.println(Round.medians(done));
            Round.unsteady(done).ifPresent(out::println);
            out.flush();
        }
        return ExitCodes.OK;
    }

    /**
     * Warm-up turns, a transfer over each path in each, until one in which the JIT compiler was
     * quiet ({@link JitClock#quiet}) or {@link #warmupTurns} are done; one turn where the JVM
     * does not tell its compile time.
     */
    private void warmUp(PrintWriter out, Path ms, Path tcp, Data data) throws IOException {
        boolean readable = JitClock.readable();
        out.println("Warm-up: " + ByteSize.format(warmup) + " over each path first, not counted, so that the JIT has compiled"
                + " the hot paths: " + (!readable ? "one turn (this JVM does not tell its compile time)"
                        : warmupTurns == 1 ? "one turn" : "in turns until the compiler is quiet, at most " + warmupTurns));
        out.flush();
        int turns = readable ? warmupTurns : 1;
        for (int turn = 1; turn <= turns; turn++) {
            long compiled = JitClock.millis();
            long start = System.nanoTime();
            run(ms, warmup, data, "warm-up, ministreaming");
            run(tcp, warmup, data, "warm-up, raw TCP");
            if (!readable) {
                return;
            }
            long nanos = System.nanoTime() - start;
            long compiling = JitClock.millis() - compiled;
            boolean quiet = JitClock.quiet(compiling, nanos);
            out.printf(Locale.ROOT, "%sturn %d: %d ms; JIT compiling %d ms (over all compiler threads)%s%n", INDENT, turn, nanos / 1_000_000, compiling,
                    quiet ? ": quiet" : turn == turns ? ": still busy; the first rounds may include its work" : "");
            out.flush();
            if (quiet) {
                return;
            }
        }
    }

    private Result timed(PrintWriter out, Path path, Data data) throws IOException {
        long compiled = JitClock.millis();
        Result result = run(path, size, data, path.name());
        report(out, path.name() + ":", result, compiled < 0 ? -1 : JitClock.millis() - compiled);
        return result;
    }

    private void checkArguments() {
        Main.refuseTrace(spec, "bench times its transfers, which printing every message would slow down");
        if (streams < 1 || streams > MAX_STREAMS) {
            throw new ParameterException(spec.commandLine(), "--streams must be 1 to " + MAX_STREAMS + ", got " + streams);
        }
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw new ParameterException(spec.commandLine(), "--rounds must be 1 to " + MAX_ROUNDS + ", got " + rounds);
        }
        if (warmupTurns < 1 || warmupTurns > MAX_WARMUP_TURNS) {
            throw new ParameterException(spec.commandLine(), "--warmup-turns must be 1 to " + MAX_WARMUP_TURNS + ", got " + warmupTurns);
        }
        if (chunk > MAX_CHUNK) {
            throw new ParameterException(spec.commandLine(), "--chunk must be at most 16M, got " + ByteSize.format(chunk));
        }
        if (size < streams) {
            throw new ParameterException(spec.commandLine(), "--size must give each stream at least one byte: "
                    + size + " bytes over " + streams + " streams");
        }
        receive.check();
    }

    private Result run(Path path, long bytes, Data data, String label) throws IOException {
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), label, bytes, ProgressLine.interactive());
        try {
            return Throughput.transfer(path, bytes, (int) Math.min(streams, bytes), (int) chunk, data, verify, progress);
        } finally {
            progress.finish();
        }
    }

    /** The result's line; {@code compilingMillis} is the JIT's compile time during the transfer, or -1 if unknown. */
    private static void report(PrintWriter out, String label, Result result, long compilingMillis) {
        List<String> details = new ArrayList<>();
        if (result.cpuNanos() >= 0) {
            details.add(String.format(Locale.ROOT, "CPU %.2f s, %.2f s per GiB", result.cpuNanos() / 1e9,
                    result.cpuNanos() / 1e9 / Math.max(result.bytes(), 1) * (1L << 30)));
        }
        if (compilingMillis >= 0) {
            details.add("JIT compiling " + compilingMillis + " ms");
        }
        out.printf(Locale.ROOT, "%-15s%d bytes in %.2f s: %.1f MiB/s%s%n", label, result.bytes(), result.seconds(),
                result.mebibytesPerSecond(), details.isEmpty() ? "" : " (" + String.join("; ", details) + ")");
        out.flush();
    }

    /** A size as {@link ByteSize} reads it, or {@code 0}. */
    static final class WarmupSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            return text.strip().equals("0") ? 0L : new ByteSize().convert(text);
        }
    }
}
