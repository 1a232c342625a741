package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
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
            OneByteEcho.round(client, server, serverSocket, 10);
            Await.until("the server's layer forgets the client", () -> serverTransport.statistics().get(ReliableCounter.PEERS_FORGOTTEN) > 0);

            OneByteEcho.round(client, server, serverSocket, 20);

            assertThat(clientTransport.peers()).as("the client never forgot the server").contains(server.localDestination());
            assertThat(serverTransport.statistics()).containsEntry(ReliableCounter.PEERS_RESUMED, 1L).containsEntry(ReliableCounter.RESETS_SENT, 0L);
            assertThat(clientTransport.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
        }
    }
}
