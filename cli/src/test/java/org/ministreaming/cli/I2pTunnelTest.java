package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * The two tunnels end to end over a real I2P router, in-process: an HTTP client reaches a JDK
 * HTTP server through {@code client --i2cp} and {@code server --i2cp}, the server with a key
 * file it creates.
 */
@ExtendWith(SharedRouter.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class I2pTunnelTest {

    private HttpOrigin origin;
    private Cli server;
    private Cli client;
    private String base;
    private Path keys;

    @BeforeAll
    void startTunnels(I2pRouter router, @TempDir Path dir) throws Exception {
        origin = new HttpOrigin(6, 8);
        keys = dir.resolve("server.dat");
        server = Cli.start(I2pArgs.command(router, List.of("server", "--keys", keys.toString()),
                "--forward", "127.0.0.1:" + origin.port()));
        String destination = server.listeningOnOut();
        client = Cli.start(I2pArgs.command(router, List.of("client"), "--peer", destination, "--listen", "127.0.0.1:0"));
        base = "http://" + client.listeningOnOut();
    }

    @AfterAll
    void stopTunnels() throws Exception {
        try {
            if (client != null) {
                assertThat(client.stop()).isEqualTo(ExitCodes.OK);
            }
            if (server != null) {
                assertThat(server.stop()).isEqualTo(ExitCodes.OK);
            }
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                if (server != null) {
                    server.close();
                }
                origin.close();
            }
        }
        if (client == null) {
            return; // startTunnels failed, and said why
        }
        assertThat(I2pArgs.withoutProgress(server.err.text())).as("server errors").matches("new I2P keys in " + Pattern.quote(keys.toString())
                + ", destination i2p:\\S+ \\([a-z2-7]{52}\\.b32\\.i2p\\)\n");
        assertThat(I2pArgs.withoutProgress(client.err.text())).as("client errors").isEmpty();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void theServerAnnouncesTheDestinationOfItsNewKeyFile() throws Exception {
        I2pKeys saved = I2pKeys.load(keys);

        assertThat(server.out.text()).isEqualTo("listening on " + saved.destination() + " (" + saved.base32() + ")\n");
    }

    @Test
    void answersConcurrentRequests() throws Exception {
        origin.checkConcurrentEchoes(base, 20, 1000);
    }

    @Test
    void downloadsSixMebibytesIntact() throws Exception {
        origin.checkDownload(base, 0, Duration.ZERO);
    }
}
