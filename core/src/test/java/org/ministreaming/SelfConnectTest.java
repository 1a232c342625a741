package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/** A manager that connects to its own destination, as a TCP endpoint may: its two ends talk like any other pair. */
@Timeout(60)
class SelfConnectTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager manager;

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aConnectionToItsOwnDestinationCarriesBytesBothWays() throws Exception {
        manager = StreamManager.open(network.endpoint("self"), StreamOptions.builder().build());
        StreamServerSocket serverSocket = manager.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(WAIT_SECONDS)));

        StreamSocket client = manager.connect(manager.localDestination());
        StreamSocket server = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        server.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
        server.getOutputStream().flush();

        assertThat(server.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
        assertThat(client.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("pong");
        assertThat(manager.ping(manager.localDestination(), Duration.ofSeconds(WAIT_SECONDS))).as("a peer with flow control").isPresent();
        client.close();
        assertThat(server.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void anEndpointsLinkToItselfCanBeCutAndRestored() throws IOException {
        manager = StreamManager.open(network.endpoint("self"), StreamOptions.builder().build());
        Duration wait = Duration.ofSeconds(WAIT_SECONDS);

        network.cut(manager.localDestination(), manager.localDestination());
        assertThatThrownBy(() -> manager.ping(manager.localDestination(), wait)).isInstanceOf(IOException.class)
                .hasMessageContaining("is cut");
        network.restore(manager.localDestination(), manager.localDestination());
        assertThatCode(() -> manager.ping(manager.localDestination(), wait)).doesNotThrowAnyException();
    }
}
