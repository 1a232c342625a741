package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * The README's example over I2P, kept compiling and working; the tunnel options are the test
 * router's zero-hop ones instead of the README's.
 */
@ExtendWith(SharedRouter.class)
class ReadmeExampleTest {

    @Test
    void theI2pExampleFromTheReadmeWorks(I2pRouter router, @TempDir Path dir) throws Exception {
        I2pKeys keys = I2pKeys.loadOrCreate(dir.resolve("server.keys"));
        try (StreamManager server = StreamManager.open(Endpoints.on(router)
                     .router(router.host(), router.i2cpPort())
                     .keys(keys)
                     .build());
             StreamManager client = StreamManager.open(Endpoints.on(router).build())) {
            assertThat(server.localDestination()).isEqualTo(keys.destination());
            assertThat(keys.destination() + " (" + keys.base32() + ")").matches("i2p:\\S+ \\([a-z2-7]{52}\\.b32\\.i2p\\)");
            var serverSocket = server.serverSocket();
            CompletableFuture<Integer> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(30))) {
                    int request = socket.getInputStream().read();
                    socket.getOutputStream().write(request + 1);
                    return request;
                }
            });

            try (StreamSocket socket = client.connect(keys.destination())) {
                socket.getOutputStream().write(41);
                assertThat(socket.getInputStream().read()).isEqualTo(42);
            }
            assertThat(served.get(60, TimeUnit.SECONDS)).isEqualTo(41);
        }
        assertThat(I2pKeys.loadOrCreate(dir.resolve("server.keys"))).as("the key file is kept").isEqualTo(keys);
    }
}
