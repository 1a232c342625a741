package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;

/** {@link WaitProgress}: silent for a short wait, one line a while for a long one, no thread left. */
@Timeout(60)
class WaitProgressTest {

    @Test
    void aWaitShorterThanTheGracePrintsNothing() {
        StringWriter text = new StringWriter();

        WaitProgress.start(new PrintWriter(text), "the router", Duration.ofSeconds(5)).close();

        assertThat(text.toString()).isEmpty();
        assertThat(progressThreads()).isZero();
    }

    @Test
    void aLongerWaitSaysWhatItWaitsForAndWhenItGivesUp() {
        StringWriter text = new StringWriter();
        try (WaitProgress progress = WaitProgress.start(new PrintWriter(text), "the router to build tunnels", Duration.ofSeconds(7))) {
            Await.until("the first line", () -> !text.toString().isEmpty());
        }
        String printed = text.toString();

        assertThat(printed).isEqualTo("ministreaming: waiting for the router to build tunnels (giving up after 7 s)" + System.lineSeparator());
        assertThat(progressThreads()).isZero();
    }

    private static long progressThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ministreaming-wait-progress")).count();
    }
}
