package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureLinesTest {

    private static final long WINDOW = FailureLines.WINDOW.toNanos();

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final FailureLines failures = new FailureLines(lines::add, clock::get);

    @Test
    void aRunOfFailuresForOneReasonIsTheFirstLineAndThenACount() {
        for (int i = 0; i < 128; i++) {
            failures.failed("connection " + i, "lost the link to tcp://-@127.0.0.1:4000: Connection reset");
        }
        assertThat(lines).containsExactly("connection 0: lost the link to tcp://-@127.0.0.1:4000: Connection reset");

        failures.tellDue();
        assertThat(lines).as("not before the window has passed").hasSize(1);
        clock.addAndGet(WINDOW);
        failures.tellDue();
        assertThat(lines).containsExactly("connection 0: lost the link to tcp://-@127.0.0.1:4000: Connection reset",
                "127 more connections failed the same way within 1 s: lost the link to tcp://-@127.0.0.1:4000: Connection reset");

        failures.failed("connection 128", "lost the link to tcp://-@127.0.0.1:4000: Connection reset");
        assertThat(lines).as("after the window, a failure has its line again").hasSize(3).last()
                .isEqualTo("connection 128: lost the link to tcp://-@127.0.0.1:4000: Connection reset");
    }

    @Test
    void differentReasonsEachHaveTheirLineAndALoneFailureNoCount() {
        failures.failed("a", "cannot reach the service at 127.0.0.1:8080: Connection refused");
        failures.failed("b", "the TCP side failed: Connection reset by peer");
        failures.failed("c", "cannot reach the service at 127.0.0.1:8080: Connection refused");
        clock.addAndGet(WINDOW);
        failures.tellDue();

        assertThat(lines).containsExactly("a: cannot reach the service at 127.0.0.1:8080: Connection refused",
                "b: the TCP side failed: Connection reset by peer",
                "1 more connection failed the same way within 1 s: cannot reach the service at 127.0.0.1:8080: Connection refused");
    }

    @Test
    void theEndOfARunTellsWhatIsCountedAtOnce() {
        failures.failed("a", "why");
        failures.failed("b", "why");
        failures.tellAll();

        assertThat(lines).containsExactly("a: why", "1 more connection failed the same way within 1 s: why");
    }

    @Test
    void beyondTheReasonsCountedEachFailureHasItsLine() {
        for (int i = 0; i < FailureLines.REASONS; i++) {
            failures.failed("c" + i, "reason " + i);
        }
        failures.failed("x", "one more reason");
        failures.failed("y", "one more reason");

        assertThat(lines).hasSize(FailureLines.REASONS + 2).endsWith("x: one more reason", "y: one more reason");
    }
}
