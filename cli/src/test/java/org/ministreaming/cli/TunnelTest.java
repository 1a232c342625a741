package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;

/**
 * The two tunnels end to end, in-process, through real sockets: an HTTP client reaches a JDK
 * HTTP server through {@code client} and {@code server}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TunnelTest {

    private HttpOrigin origin;
    private Cli server;
    private Cli client;
    private String base;

    @BeforeAll
    void startTunnels() throws Exception {
        origin = new HttpOrigin(100, 16);
        server = Cli.start("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:" + origin.port());
        String destination = server.listeningOnOut();
        assertThat(destination).matches("tcp://127\\.0\\.0\\.1:\\d+");
        client = Cli.start("client", "--peer", destination, "--listen", "127.0.0.1:0");
        base = "http://" + client.listeningOnOut();
    }

    @AfterAll
    void stopTunnels() throws Exception {
        if (client == null || server == null) {
            return; // startTunnels failed, and said why
        }
        try {
            assertThat(client.stop()).isEqualTo(ExitCodes.OK);
            assertThat(server.stop()).isEqualTo(ExitCodes.OK);
        } finally {
            try {
                client.close();
            } finally {
                server.close();
                origin.close();
            }
        }
        assertThat(server.err.text()).as("server errors").isEmpty();
        assertThat(client.err.text()).as("client errors").isEmpty();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void answersHundredConcurrentRequests() throws Exception {
        origin.checkConcurrentEchoes(base, 100, 100);
    }

    @Test
    void downloadsHundredMebibytesIntact() throws Exception {
        origin.checkDownload(base, 0, Duration.ZERO);
    }

    @Test
    void downloadsIntactToASlowReader() throws Exception {
        // Reads 4 KiB at a time and pauses 50 ms after every 2 MiB, so that every buffer on the
        // way fills up and flow control holds the server back again and again.
        origin.checkDownload(base, 4096, Duration.ofMillis(50));
    }
}
