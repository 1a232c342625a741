package org.ministreaming.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.ministreaming.wire.Chaff;
import org.ministreaming.wire.Message;

/**
 * The decoder fuzzed without Jazzer, in every build: {@link DecoderOracle} over many generated
 * inputs (random bytes, structure-aware messages, mutated seeds), plus every seed as an example.
 */
class DecoderPropertyTest {

    /**
     * Tries per build: about 10 s on a 2-core machine. jqwik's own edge cases are off (their
     * combinations would outnumber the tries); the generators pick edge values themselves.
     */
    static final int TRIES = 200_000;

    private static long tried;
    private static long startedNanos;

    @BeforeProperty
    void start() {
        tried = 0;
        startedNanos = System.nanoTime();
    }

    @AfterProperty
    void report() {
        if (tried > 1) {
            System.out.printf("DecoderPropertyTest: %d inputs in %.1f s, no finding%n", tried, (System.nanoTime() - startedNanos) / 1e9);
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return WireArbitraries.messages();
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    @AddLifecycleHook(FuzzScale.class)
    void anyBytesDecodeExactlyOrAreRejected(@ForAll("inputs") byte[] input) {
        tried++;
        DecoderOracle.check(input);
    }

    @Example
    void everySeedHoldsTheOracle() {
        for (Map.Entry<String, byte[]> seed : Seeds.messages().entrySet()) {
            DecoderOracle.check(seed.getValue());
        }
    }

    @Example
    void seedsDecodeAsTheProtocolPageSays() {
        Map<String, byte[]> seeds = Seeds.messages();
        assertThat(DecoderOracle.check(seeds.get("sample-b-ack"))).isInstanceOf(Message.class);
        assertThat(DecoderOracle.check(seeds.get("seed-c-typo-close-as-ack"))).as("the seed's typo is malformed").isNull();
        assertThat(DecoderOracle.check(seeds.get("ext-client-credit-zero"))).isNull();
        assertThat(DecoderOracle.check(seeds.get("edge-zero-id-syn"))).isNull();
        assertThat(DecoderOracle.check(seeds.get("chaff-1"))).isInstanceOf(Chaff.class);
    }

    /**
     * The Jazzer inputs directory holds every seed. Run with {@code -Dseeds.write=true} to write
     * the missing ones after changing {@link Seeds}.
     */
    @Example
    void jazzerInputsHoldEverySeed() {
        java.nio.file.Path inputs = Seeds.testResources().resolve("org/ministreaming/fuzz/DecoderFuzzTestInputs/decode");
        if (Boolean.getBoolean("seeds.write")) {
            Seeds.sync(inputs, Seeds.messages(), true);
        }
        assertThat(Seeds.sync(inputs, Seeds.messages(), false))
                .as("seeds missing from the Jazzer inputs; run this test with -Dseeds.write=true").isEmpty();
    }
}
