package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.ministreaming.Counter;
import org.ministreaming.fuzz.FuzzScale;
import org.ministreaming.fuzz.Seeds;
import org.ministreaming.fuzz.WireArbitraries;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.CreditExtension;
import org.ministreaming.wire.Message;

/**
 * The dispatcher fuzzed without Jazzer, in every build: generated {@link FuzzScript}s (random
 * bytes, structure-aware messages with the ids in use, mutated seeds, and application steps,
 * from two peers) played against a fresh {@link DispatcherHarness} each, plus every seed script
 * as an example.
 */
class DispatcherPropertyTest {

    /**
     * Tries per build: about 20 s on a 2-core machine, as each builds an engine with 8
     * connections. jqwik's own edge cases are off; the generators pick edge values themselves.
     */
    static final int TRIES = 5_000;

    private static final Map<Counter, Long> REACHED = new EnumMap<>(Counter.class);
    private static long tried;
    private static boolean failed;
    private static long startedNanos;

    private static Level logLevel;

    @BeforeContainer
    static void quiet() {
        logLevel = DispatcherHarness.quietLogs();
    }

    @AfterContainer
    static void restore() {
        DispatcherHarness.restoreLogs(logLevel);
    }

    /** A script to play, and whether it was made from a hand-written seed (then it counts for no rule's coverage). */
    record Script(List<FuzzScript.Step> steps, boolean fromSeed) {
    }

    @Provide
    Arbitrary<Script> scripts() {
        Arbitrary<List<FuzzScript.Step>> one = step().map(List::of);
        Arbitrary<List<FuzzScript.Step>> generated = Arbitraries.frequencyOf(
                        Tuple.of(12, one),
                        Tuple.of(1, synBurst()),
                        Tuple.of(1, dataBurst()))
                .list().ofMaxSize(20).map(DispatcherPropertyTest::flatten);
        List<List<FuzzScript.Step>> seeds = new ArrayList<>();
        for (byte[] seed : FuzzScript.seeds().values()) {
            seeds.add(FuzzScript.parse(seed));
        }
        Arbitrary<List<FuzzScript.Step>> seeded = Combinators.combine(Arbitraries.of(seeds), one.list().ofMaxSize(10))
                .as((seed, more) -> {
                    List<FuzzScript.Step> script = new ArrayList<>(seed);
                    script.addAll(flatten(more));
                    return script;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(4, generated.map(steps -> new Script(steps, false))),
                Tuple.of(1, seeded.map(steps -> new Script(steps, true))));
    }

    /** One step: mostly a message from mallory or eve, sometimes what the application does. */
    private static Arbitrary<FuzzScript.Step> step() {
        Arbitrary<Integer> connection = Arbitraries.integers().between(0, 15);
        Arbitrary<FuzzScript.Step> send = Combinators.combine(peers(), WireArbitraries.messages()).as(FuzzScript.Send::new);
        Arbitrary<FuzzScript.Step> write = Combinators.combine(connection,
                        Arbitraries.oneOf(Arbitraries.of(0, 1, 63, 64, 65, 4096, 32768, 40_000), Arbitraries.integers().between(0, 300)))
                .as(FuzzScript.Write::new);
        return Arbitraries.frequencyOf(
                Tuple.of(20, send),
                Tuple.of(3, Arbitraries.just(new FuzzScript.Accept())),
                Tuple.of(2, Combinators.combine(connection, Arbitraries.integers().between(1, 512)).as(FuzzScript.Read::new)),
                Tuple.of(1, write),
                Tuple.of(1, connection.map(FuzzScript.Close::new)));
    }

    /** Mostly mallory, who has connections; sometimes eve, who has none at first. */
    private static Arbitrary<Integer> peers() {
        return Arbitraries.of(0, 0, 0, 1);
    }

    /**
     * SYNs with client ids counting up, each perhaps followed by an accept: fills the backlog,
     * the peer's share of it and the per-peer and total connection limits.
     */
    private static Arbitrary<List<FuzzScript.Step>> synBurst() {
        return Combinators.combine(peers(), Arbitraries.integers().between(1, 0xFFFFF0), Arbitraries.integers().between(2, 16),
                        Arbitraries.of(0, 1, 2), Arbitraries.of(true, false))
                .as((peer, firstId, count, acceptEvery, trailer) -> {
                    List<FuzzScript.Step> steps = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        byte[] destination = Seeds.ascii("mem:burst");
                        byte[] payload = trailer ? CreditExtension.withTrailer(destination, Seeds.MALLORY_WINDOW) : destination;
                        steps.add(new FuzzScript.Send(peer, Message.syn(new ConnectionId(firstId + i % 15), payload).toByteArray()));
                        if (acceptEvery > 0 && i % acceptEvery == 0) {
                            steps.add(new FuzzScript.Accept());
                        }
                    }
                    return steps;
                });
    }

    /** Data messages to one id in use, several in a row: overruns the receive buffer or the credit. */
    private static Arbitrary<List<FuzzScript.Step>> dataBurst() {
        return Combinators.combine(Arbitraries.of(0xA0, 0x50), Arbitraries.of(WireArbitraries.IDS),
                        Arbitraries.of(500, 1000, 2048, 4096), Arbitraries.integers().between(2, 6))
                .as((type, id, length, count) -> {
                    List<FuzzScript.Step> steps = new ArrayList<>();
                    byte[] message = new byte[4 + length];
                    message[0] = (byte) type.intValue();
                    message[1] = (byte) (id >>> 16);
                    message[2] = (byte) (id >>> 8);
                    message[3] = (byte) id.intValue();
                    for (int i = 0; i < count; i++) {
                        steps.add(new FuzzScript.Send(0, message));
                    }
                    return steps;
                });
    }

    private static List<FuzzScript.Step> flatten(List<List<FuzzScript.Step>> chunks) {
        List<FuzzScript.Step> steps = new ArrayList<>();
        chunks.forEach(steps::addAll);
        return steps;
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    @AddLifecycleHook(FuzzScale.class)
    void noScriptBreaksTheEngine(@ForAll("scripts") Script script) throws Exception {
        tried++;
        Map<Counter, Long> counted;
        try {
            counted = DispatcherHarness.run(script.steps());
        } catch (Exception | AssertionError e) {
            failed = true;
            throw e;
        }
        if (!script.fromSeed()) {
            synchronized (REACHED) {
                counted.forEach((counter, count) -> REACHED.merge(counter, count, Long::sum));
            }
        }
    }

    @BeforeProperty
    void start() {
        tried = 0;
        failed = false;
        startedNanos = System.nanoTime();
        REACHED.clear();
    }

    /**
     * The generated scripts reach the engine's rules, not only its first checks (told only when
     * the property passed). Scripts made from the hand-written seeds do not count: the seeds reach
     * every rule by design, and would hide a generator that reaches none.
     */
    @AfterProperty
    void reachedTheRules() {
        if (tried > 1 && !failed) {
            System.out.printf("DispatcherPropertyTest: %d scripts in %.1f s, no finding; the generated ones (%d messages) counted %s%n", tried,
                    (System.nanoTime() - startedNanos) / 1e9, REACHED.get(Counter.MESSAGES_RECEIVED), REACHED);
            for (Counter rule : List.of(Counter.DUPLICATE_SYN, Counter.LATE_ACK, Counter.UNEXPECTED, Counter.UNKNOWN_CONNECTION,
                    Counter.UNKNOWN_TYPE, Counter.MALFORMED, Counter.CHAFF, Counter.OVERRUN, Counter.CREDIT_VIOLATION,
                    Counter.EXTENSION_ON_PLAIN, Counter.OVERSIZE_MESSAGE, Counter.PINGS_ANSWERED, Counter.SYN_REFUSED,
                    Counter.REFUSED_PEER_BACKLOG, Counter.REFUSED_PEER_LIMIT, Counter.REFUSED_CONNECTION_LIMIT, Counter.REFUSED_SYN_RATE)) {
                assertThat(REACHED.get(rule)).as("times the fuzzing provoked %s", rule).isPositive();
            }
            REACHED.clear();
        }
    }

    /** Seed scripts reach what they were written for, so the set-up's ids are the live ones. */
    @Example
    void seedScriptsReachTheirRules() throws Exception {
        Map<String, byte[]> seeds = FuzzScript.seeds();
        assertThat(run(seeds, "overrun")).containsEntry(Counter.OVERRUN, 1L).containsEntry(Counter.CREDIT_VIOLATION, 1L);
        assertThat(run(seeds, "oversize")).containsEntry(Counter.OVERSIZE_MESSAGE, 1L);
        assertThat(run(seeds, "conversation-b")).containsEntry(Counter.DUPLICATE_SYN, 1L).containsEntry(Counter.UNEXPECTED, 1L)
                .containsEntry(Counter.UNKNOWN_CONNECTION, 0L);
        assertThat(run(seeds, "conversation-c-seed-typo")).containsEntry(Counter.MALFORMED, 1L)
                .containsEntry(Counter.UNKNOWN_CONNECTION, 0L);
        assertThat(run(seeds, "credit-write-and-grant")).containsEntry(Counter.CREDIT_VIOLATION, 2L)
                .containsEntry(Counter.EXTENSION_ON_PLAIN, 1L);
        assertThat(run(seeds, "mallory-ext-ping")).containsEntry(Counter.PINGS_ANSWERED, 1L);
        assertThat(run(seeds, "eve-sample-b-close")).containsEntry(Counter.UNKNOWN_CONNECTION, 1L);
        assertThat(run(seeds, "eve-seed-c-ack")).containsEntry(Counter.LATE_ACK, 1L);
    }

    private static Map<Counter, Long> run(Map<String, byte[]> seeds, String name) throws Exception {
        return DispatcherHarness.run(FuzzScript.parse(seeds.get(name)));
    }

    @Example
    void everySeedScriptHoldsTheChecks() throws Exception {
        for (Map.Entry<String, byte[]> seed : FuzzScript.seeds().entrySet()) {
            try {
                DispatcherHarness.run(FuzzScript.parse(seed.getValue()));
            } catch (AssertionError e) {
                throw new AssertionError("seed script " + seed.getKey() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Scripts read back as written, except that a large frame comes back as a plain send. */
    @Example
    void scriptsReadBackAsWritten() {
        Set<String> large = Set.of("overrun", "oversize", "large-frames");
        for (Map.Entry<String, byte[]> seed : FuzzScript.seeds().entrySet()) {
            if (!large.contains(seed.getKey())) {
                assertThat(FuzzScript.encode(FuzzScript.parse(seed.getValue()))).as(seed.getKey()).isEqualTo(seed.getValue());
            }
        }
        List<FuzzScript.Step> frames = FuzzScript.parse(FuzzScript.seeds().get("large-frames"));
        assertThat(frames).hasSize(2);
        assertThat(((FuzzScript.Send) frames.get(0)).peer()).isZero();
        assertThat(((FuzzScript.Send) frames.get(0)).bytes()).hasSize(4 + 40_000).startsWith(0xA0, 0xFF, 0xFF, 0xFF);
        assertThat(((FuzzScript.Send) frames.get(1)).peer()).isOne();
        assertThat(((FuzzScript.Send) frames.get(1)).bytes()).hasSize(4 + 32_768);
    }

    /**
     * The Jazzer inputs directory holds every seed script. Run with {@code -Dseeds.write=true}
     * to write the missing ones after changing {@link FuzzScript#seeds()} or {@link Seeds}.
     */
    @Example
    void jazzerInputsHoldEverySeedScript() {
        Path inputs = Seeds.testResources().resolve("org/ministreaming/engine/DispatcherFuzzTestInputs/dispatch");
        if (Boolean.getBoolean("seeds.write")) {
            Seeds.sync(inputs, FuzzScript.seeds(), true);
        }
        assertThat(Seeds.sync(inputs, FuzzScript.seeds(), false))
                .as("seed scripts missing from the Jazzer inputs; run this test with -Dseeds.write=true").isEmpty();
    }
}
