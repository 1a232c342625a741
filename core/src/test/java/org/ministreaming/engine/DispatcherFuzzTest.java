package org.ministreaming.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the dispatcher with Jazzer: the input is a {@link FuzzScript}
 * played against a fresh {@link DispatcherHarness}, which checks what must hold afterwards.
 *
 * <p>In an ordinary build this runs only the seed scripts in
 * {@code src/test/resources/org/ministreaming/engine/DispatcherFuzzTestInputs/dispatch}. With
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}; see docs/robustness.md.
 */
class DispatcherFuzzTest {

    private static Level logLevel;

    @BeforeAll
    static void quiet() {
        logLevel = DispatcherHarness.quietLogs();
    }

    @AfterAll
    static void restore() {
        DispatcherHarness.restoreLogs(logLevel);
    }

    @FuzzTest(maxDuration = "30s")
    void dispatch(byte[] script) throws Exception {
        DispatcherHarness.run(FuzzScript.parse(script));
    }
}
