package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.Counter;
import org.ministreaming.RandomTransfers;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** Streams between two destinations on a real router, in reliable mode, SHA-256 checked. */
@ExtendWith(SharedRouter.class)
class I2cpStreamsTest {

    private static final int SIXTY_FOUR_MIB = 64 << 20;

    @Test
    void hundredConcurrentConnectionsCarryRandomAmountsBothWays(I2pRouter router) throws Exception {
        StreamOptions options = RandomTransfers.options(100);
        try (StreamManager server = Endpoints.reliable(router, options);
             StreamManager client = Endpoints.reliable(router, options)) {
            RandomTransfers.run(server, client, 100, 256 * 1024);
        }
    }

    @Test
    void sixtyFourMebibytesArriveIntact(I2pRouter router) throws Exception {
        StreamOptions options = StreamOptions.builder().readTimeout(Duration.ofSeconds(60)).build();
        try (StreamManager server = Endpoints.reliable(router, options);
             StreamManager client = Endpoints.reliable(router, options)) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<String> received = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(30))) {
                    String digest = digest(socket.getInputStream(), SIXTY_FOUR_MIB);
                    socket.getOutputStream().write(1);
                    return digest;
                }
            });
            String sent;
            try (StreamSocket socket = client.connect(server.localDestination())) {
                sent = sendRandom(socket.getOutputStream(), SIXTY_FOUR_MIB, 64);
                assertThat(socket.getInputStream().read()).as("the server's acknowledgement").isEqualTo(1);
            }

            assertThat(received.get(5, TimeUnit.MINUTES)).isEqualTo(sent);
            assertThat(server.statistics()).containsEntry(Counter.OVERRUN, 0L).containsEntry(Counter.INTERNAL_ERROR, 0L);
        }
    }

    /** Writes {@code total} seeded random bytes; returns their SHA-256. */
    static String sendRandom(OutputStream out, int total, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] chunk = new byte[60_000];
        for (int left = total; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            int n = Math.min(left, chunk.length);
            out.write(chunk, 0, n);
            digest.update(chunk, 0, n);
        }
        out.flush();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Reads {@code total} bytes; returns their SHA-256. */
    static String digest(InputStream in, int total) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[65536];
        for (int left = total; left > 0; ) {
            int n = in.read(buffer, 0, Math.min(buffer.length, left));
            if (n < 0) {
                throw new java.io.EOFException(left + " of " + total + " bytes missing");
            }
            digest.update(buffer, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
