package org.ministreaming.i2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.client.streaming.I2PSocketOptions;
import net.i2p.data.Destination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.net.BlockingHttpServer;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * I2P's socket interfaces over ministreaming on a real router, the managers made by
 * {@link MinistreamingSocketManagerFactory} as a program would make I2P's: the echo program, then
 * I2P's EepGet fetching 4 MiB from an HTTP server on the standard server socket.
 */
@ExtendWith(SharedRouter.class)
class I2pInterfacesOverI2cpTest {

    private static final long FOUR_MIB = 4L << 20;

    @TempDir
    Path home;

    @Test
    void theEchoProgramAndEepGetRunOverI2cp(I2pRouter router) throws Exception {
        Properties options = router.sessionOptions();
        options.setProperty(I2PSocketOptions.PROP_READ_TIMEOUT, "60000");
        I2pKeys serverKeys = I2PSocketEepGetTest.keysEepGetCanName();
        I2PSocketManager server = MinistreamingSocketManagerFactory.createManager(serverKeys, router.host(), router.i2cpPort(), options);
        I2PSocketManager client = MinistreamingSocketManagerFactory.createManager(router.host(), router.i2cpPort(), options);
        try {
            Destination serverDestination = I2pDestinations.fromUri(serverKeys.destination());
            assertThat(client.getDefaultOptions().getReadTimeout()).isEqualTo(60_000);
            try (EchoProgram echo = new EchoProgram(server)) {
                assertThat(EchoProgram.call(client, serverDestination, "over", "i2cp")).containsExactly("echo over", "echo i2cp");
            }
            try (BlockingHttpServer http = new BlockingHttpServer(server.getStandardServerSocket())) {
                String sha256 = I2PSocketEepGetTest.fetch(PrivateI2pContext.in(home), client, serverDestination,
                        "/random?bytes=" + FOUR_MIB + "&seed=3");
                assertThat(sha256).isEqualTo(BlockingHttpServer.seededSha256(3, FOUR_MIB));
            }
        } finally {
            client.destroySocketManager();
            server.destroySocketManager();
        }
    }
}
