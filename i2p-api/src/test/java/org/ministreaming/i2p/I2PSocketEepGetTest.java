package org.ministreaming.i2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import net.i2p.I2PAppContext;
import net.i2p.client.streaming.I2PSocketEepGet;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.data.Destination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.StreamOptions;
import org.ministreaming.net.BlockingHttpServer;
import org.ministreaming.transport.i2cp.I2pKeys;

/**
 * I2P's own HTTP client for socket managers, {@link I2PSocketEepGet}, unchanged, fetching through
 * a ministreaming manager on the in-memory transport from an HTTP server on the manager's
 * standard server socket.
 */
class I2PSocketEepGetTest {

    private static final long EIGHT_MIB = 8L << 20;

    @TempDir
    Path home;

    @Test
    void eepGetFetchesALargeBodyIntact() throws Exception {
        try (MemoryManagers managers = new MemoryManagers(StreamOptions.defaults());
             BlockingHttpServer http = new BlockingHttpServer(managers.server.getStandardServerSocket())) {
            String sha256 = fetch(PrivateI2pContext.in(home), managers.client, managers.serverDestination(),
                    "/random?bytes=" + EIGHT_MIB + "&seed=7");
            assertThat(sha256).isEqualTo(BlockingHttpServer.seededSha256(7, EIGHT_MIB));
            assertThat(http.requests()).isEqualTo(1);
        }
    }

    /**
     * Keys whose destination EepGet can name in a URL. EepGet takes the host of
     * {@code http://BASE64.i2p/} from {@link java.net.URI}, which finds no host in a Base64
     * destination (its {@code =} padding is not allowed in a host name), and then parses the URL
     * itself only if it contains a {@code ~}; a destination without one is refused as "no
     * hostname". A limitation of EepGet's URL parsing, whatever the socket manager.
     */
    static I2pKeys keysEepGetCanName() {
        I2pKeys keys;
        do {
            keys = I2pKeys.generate();
        } while (!keys.destination().uri().contains("~"));
        return keys;
    }

    /** Fetches {@code path} from {@code server} with I2P's EepGet; returns the body's SHA-256. */
    static String fetch(I2PAppContext context, I2PSocketManager manager, Destination server, String path) throws Exception {
        String url = "http://" + server.toBase64() + ".i2p" + path;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        I2PSocketEepGet get = new I2PSocketEepGet(context, manager, 0, -1, -1, null, body, url);
        boolean fetched = get.fetch(60_000, 5 * 60_000, 60_000);
        assertThat(fetched).as("EepGet's status line: %s", get.getStatusText()).isTrue();
        assertThat(get.getStatusCode()).isEqualTo(200);
        return BlockingHttpServer.sha256Of(new ByteArrayInputStream(body.toByteArray()), -1);
    }
}
