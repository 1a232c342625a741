package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;

/** {@code demo --drop --duplicate --reorder}: the transfer survives a lossy link through the reliable layer. */
@Timeout(120)
class LossyDemoTest {

    @Test
    void theTransferArrivesIntactOverALossyLinkAndSaysWhatTheReliableLayerDid() throws InterruptedException {
        Run run = Run.of("demo", "--size", "8M", "--drop", "5", "--duplicate", "5", "--reorder", "16");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("Bulk transfer: 8 MiB of random data (seed 1)")
                .contains("   over a lossy link (drop 5%, duplicate 5%, reorder within 16), through the reliable delivery layer")
                .contains("   8388608 bytes in ")
                .contains("   SHA-256 of sent and received bytes match: ");
        Matcher summary = Pattern.compile("(?m)^   retransmitted (\\d+) messages, discarded (\\d+) duplicates$").matcher(run.out());
        assertThat(summary.find()).as(run.out()).isTrue();
        assertThat(Long.parseLong(summary.group(1))).as("retransmitted").isPositive();
        assertThat(Long.parseLong(summary.group(2))).as("duplicates discarded").isPositive();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY, "demo-");
    }

    @Test
    void theReliableLayerCanRunOnAPerfectLinkToo() {
        Run run = Run.of("demo", "--size", "1M", "--reliable");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("   over a perfect link, through the reliable delivery layer")
                .contains("   SHA-256 of sent and received bytes match: ")
                .contains("   retransmitted ");
    }

    @Test
    void withoutLinkOptionsTheTransferSaysNothingAboutTheReliableLayer() {
        Run run = Run.of("demo", "--size", "1000");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).doesNotContain("reliable delivery layer").doesNotContain("retransmitted");
    }

    @Test
    void badLinkOptionsAreUsageErrors() {
        assertThat(Run.of("demo", "--drop", "101").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Run.of("demo", "--duplicate", "-1").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Run.of("demo", "--drop", "lots").err()).contains("'lots' is not a percentage");
        assertThat(Run.of("demo", "--reorder", "-2").err()).contains("the reorder window is 0 or more messages");
    }

    @Test
    void helpDescribesTheLinkOptions() {
        Run run = Run.of("demo", "--help");

        assertThat(run.out()).contains("--drop=PCT").contains("--duplicate=PCT").contains("--reorder=N").contains("--reliable");
    }
}
