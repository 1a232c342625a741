package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;

/** {@code demo --transport tcp}: the same demo over loopback TCP. */
@Timeout(60)
class DemoOverTcpTest {

    @Test
    void playsTheConversationsAndTheTransferOverTcp() throws InterruptedException {
        Run run = Run.of("demo", "--transport", "tcp", "--size", "4M");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("as the client (tcp:-) sees them")
                .containsPattern("client: connect failed as it should: connection refused by tcp://127\\.0\\.0\\.1:\\d+")
                .contains("   C->S A1 ")
                .contains("74 63 70 3A 2D") // tcp:- in the SYN
                .contains("matches the protocol text: A1 52\n")
                .contains("matches the protocol text: A1 51 50 A2\n")
                .contains("matches the protocol text: A1 51 A0 50 50 52\n")
                .contains("from the sender (TCP, not listening) to the receiver (TCP on loopback) over one connection")
                .contains("SHA-256 of sent and received bytes match");
        assertThat(run.err().replace("transfer: 4.0 of 4.0 MiB (100%)\n", "")).as("stderr besides the progress line").isBlank();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aTransportOtherThanMemOrTcpIsAUsageError() {
        Run run = Run.of("demo", "--transport", "udp");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("ministreaming: Invalid value for option '--transport': 'udp' is not a demo transport;"
                + " give mem, tcp or i2cp (see 'ministreaming demo --help')\n");
    }

    @Test
    void theDemoLeavesTracingToTheNetworkCommands() {
        Run run = Run.of("--trace", "demo");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("ministreaming: the demo prints its own traces; --trace is for server, client, listen and connect");
    }
}
