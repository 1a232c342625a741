package org.ministreaming.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * Issue 14's latency bar over one real I2P router (zero-hop tunnels): the time of a small
 * request/response ({@value #REQUEST_BYTES}-byte request, {@value #ANSWER_BYTES}-byte answer) in
 * reliable mode next to plain mode, the two modes taking turns pair by pair so that a change in
 * the machine's load hits both. Two kinds: on one open connection ({@value #EXCHANGES} exchanges
 * a round), and a fresh connection per request (connect, request, answer, close;
 * {@value #FRESH} a round, so that a few slow connects do not move the median). {@value #ROUNDS} rounds; each prints the median and p90 of each mode
 * and their ratio, and the run ends with the same over all its rounds.
 *
 * <p>The rounds come after {@value #WARM_UP} warm-up pairs (each an exchange on the open
 * connection and a fresh connection, in both modes), so that they measure the steady state and
 * not the JIT compiler. With 20 pairs the first round of reliable mode ran at twice the later
 * rounds' median (1.0-1.2 against 0.5-0.6 ms) and its ratio to plain mode came out anywhere from
 * 1.00 to 1.95; with 1,000 the first round was as fast as the others. Both ends of both modes run
 * in this one JVM, so the methods on each message's way (frames, windows, timers, envelopes) run
 * several times an exchange; HotSpot's tiered compiler gives a method to C2 after some thousands of
 * invocations ({@code Tier4InvocationThreshold} 5,000, {@code Tier4CompileThreshold} 15,000), and
 * {@value #WARM_UP} pairs take them past that with room. The warm-up costs about 10 s. Warm, a fresh
 * connection takes about a millisecond, so the servers take up to {@value #SYNS_PER_SECOND} SYNs a
 * second from one peer (200 by default, which refused the warm-up's connections).
 *
 * <p>Not part of the normal build; run it with
 * {@code ./mvnw -B -o -pl bench -am test -Dbenchmark=true -Dtest=RequestResponseBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.skip=true}
 * (docs/benchmarks.md, "Request/response over I2CP").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith(SharedRouter.class)
class RequestResponseBenchmark {

    private static final int REQUEST_BYTES = 100;
    private static final int ANSWER_BYTES = 100;
    private static final int ROUNDS = 3;
    private static final int EXCHANGES = 200;
    private static final int FRESH = 200;
    private static final int WARM_UP = 2_000;
    private static final int SYNS_PER_SECOND = 10_000;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void reliableNextToPlain(I2pRouter router) throws Exception {
        // Warm, a fresh connection takes about a millisecond: more than the default 200 SYNs a second from one peer.
        StreamOptions options = StreamOptions.builder().readTimeout(Measurement.READ_TIMEOUT).synsPerSecondPerPeer(SYNS_PER_SECOND).build();
        ExecutorService servers = Executors.newFixedThreadPool(2);
        try (MinistreamingPath reliable = MinistreamingPath.open("reliable", router, options, I2cpTransportBuilder::build);
                MinistreamingPath plain = MinistreamingPath.open("plain", router, options, I2cpTransportBuilder::buildPlain)) {
            Future<?> reliableServer = servers.submit(() -> serve(reliable));
            Future<?> plainServer = servers.submit(() -> serve(plain));
            try (Link r = reliable.connect(); Link p = plain.connect()) {
                for (int i = 0; i < WARM_UP; i++) {
                    exchange(r);
                    exchange(p);
                    fresh(reliable);
                    fresh(plain);
                }
                Samples[] allOpen = {new Samples(), new Samples()};
                Samples[] allFresh = {new Samples(), new Samples()};
                for (int round = 1; round <= ROUNDS; round++) {
                    Samples[] open = {new Samples(), new Samples()};
                    for (int i = 0; i < EXCHANGES; i++) {
                        open[0].add(exchange(r));
                        open[1].add(exchange(p));
                    }
                    print("open connection, round " + round, open, allOpen);
                    Samples[] fresh = {new Samples(), new Samples()};
                    for (int i = 0; i < FRESH; i++) {
                        fresh[0].add(fresh(reliable));
                        fresh[1].add(fresh(plain));
                    }
                    print("fresh connection, round " + round, fresh, allFresh);
                }
                print("open connection, all rounds", allOpen, null);
                print("fresh connection, all rounds", allFresh, null);
            }
            reliable.close();
            plain.close();
            reliableServer.cancel(true);
            plainServer.cancel(true);
        } finally {
            servers.shutdownNow();
            servers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Answers every request of every connection accepted, one connection at a time, until the path closes. */
    private static Void serve(StreamPath path) throws IOException {
        List<Thread> handlers = new ArrayList<>();
        try {
            while (true) {
                Link link = path.accept();
                Thread handler = new Thread(() -> answer(link), "rr-handler");
                handler.setDaemon(true);
                handler.start();
                handlers.add(handler);
            }
        } catch (IOException closed) {
            handlers.forEach(Thread::interrupt);
            return null;
        }
    }

    private static void answer(Link link) {
        byte[] request = new byte[REQUEST_BYTES];
        byte[] answer = new byte[ANSWER_BYTES];
        try (link) {
            while (link.in().readNBytes(request, 0, REQUEST_BYTES) == REQUEST_BYTES) {
                link.out().write(answer);
                link.out().flush();
            }
        } catch (IOException ended) {
            // the client closed the connection or the path closed
        }
    }

    /** One exchange on an open connection, in milliseconds. */
    private static double exchange(Link link) throws IOException {
        long start = System.nanoTime();
        link.out().write(new byte[REQUEST_BYTES]);
        link.out().flush();
        if (link.in().readNBytes(new byte[ANSWER_BYTES], 0, ANSWER_BYTES) != ANSWER_BYTES) {
            throw new IOException("the answer ended early");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Connect, one exchange, close, in milliseconds up to the answer's last byte. */
    private static double fresh(StreamPath path) throws IOException {
        long start = System.nanoTime();
        try (Link link = path.connect()) {
            link.out().write(new byte[REQUEST_BYTES]);
            link.out().flush();
            if (link.in().readNBytes(new byte[ANSWER_BYTES], 0, ANSWER_BYTES) != ANSWER_BYTES) {
                throw new IOException("the answer ended early");
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** Prints a round's medians, p90s and ratio, and adds its samples to {@code all} unless that is {@code null}. */
    private static void print(String what, Samples[] modes, Samples[] all) {
        if (all != null) {
            for (int mode = 0; mode < modes.length; mode++) {
                modes[mode].values().forEach(all[mode]::add);
            }
        }
        System.out.printf(Locale.ROOT, "%s: reliable median %.2f ms p90 %.2f ms, plain median %.2f ms p90 %.2f ms, reliable/plain %.2f%n",
                what, modes[0].median(), modes[0].p90(), modes[1].median(), modes[1].p90(), modes[0].median() / modes[1].median());
    }
}
