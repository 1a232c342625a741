package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * Managers over the reliable layer whose engines forget an idle peer at different times: the
 * server forgets the client long before the client forgets the server, and the client's next
 * connection finds the server's layer resuming the streams instead of a reset that would fail it.
 */
@Timeout(60)
class ForgottenPeerTest {

    private final MemoryNetwork network = new MemoryNetwork(new Random(5));

    @Test
    void aConnectionToAServerThatForgotUsGoesThroughWithoutALoss() throws Exception {
        ReliableTransport serverTransport = ReliableTransport.builder(network.endpoint("server")).closeLinger(Duration.ZERO).build();
        ReliableTransport clientTransport = ReliableTransport.builder(network.endpoint("client")).closeLinger(Duration.ZERO).build();
        try (StreamManager server = StreamManager.open(serverTransport, StreamOptions.builder().peerGracePeriod(Duration.ofMillis(100)).build());
             StreamManager client = StreamManager.open(clientTransport, StreamOptions.builder().peerGracePeriod(Duration.ofHours(1)).build())) {
            StreamServerSocket serverSocket = server.serverSocket();
            for (int round = 1; round <= 2; round++) {
                CompletableFuture<Integer> served = Async.run(() -> {
                    try (StreamSocket socket = serverSocket.accept()) {
                        int request = socket.getInputStream().read();
                        socket.getOutputStream().write(request + 1);
                        return request;
                    }
                });
                try (StreamSocket socket = client.connect(server.localDestination())) {
                    socket.getOutputStream().write(round * 10);
                    assertThat(socket.getInputStream().read()).isEqualTo(round * 10 + 1);
                }
                assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(round * 10);
                if (round == 1) {
                    Await.until("the server's layer forgets the client",
                            () -> serverTransport.statistics().get(ReliableCounter.PEERS_FORGOTTEN) > 0);
                }
            }
            assertThat(clientTransport.peers()).as("the client never forgot the server").contains(server.localDestination());
            assertThat(serverTransport.statistics()).containsEntry(ReliableCounter.PEERS_RESUMED, 1L).containsEntry(ReliableCounter.RESETS_SENT, 0L);
            assertThat(clientTransport.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
        }
    }
}
