package org.ministreaming.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the decoder and the trace notation with Jazzer; the property is
 * {@link DecoderOracle}.
 *
 * <p>In an ordinary build this runs only the seed corpus in
 * {@code src/test/resources/org/ministreaming/fuzz/DecoderFuzzTestInputs/decode} (see
 * {@link Seeds}). With {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}; see
 * docs/robustness.md.
 */
class DecoderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        DecoderOracle.check(input);
    }
}
