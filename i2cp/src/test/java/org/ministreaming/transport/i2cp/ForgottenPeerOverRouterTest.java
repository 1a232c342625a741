package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.OneByteEcho;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * Over a real router, in reliable mode: the server forgets an idle client long before the client
 * forgets it, and the client's next connection goes through at once: the server's I2CP layer
 * still takes the compact envelopes of the session it forgot, and its reliable layer resumes the
 * streams.
 */
@ExtendWith(SharedRouter.class)
class ForgottenPeerOverRouterTest {

    @Test
    void aClientWhoseServerForgotItConnectsAgainAtOnceWithoutALoss(I2pRouter router) throws Exception {
        I2cpTransport serverI2cp = Endpoints.on(router).buildPlain();
        ReliableTransport serverTransport = (ReliableTransport) Endpoints.on(router).withReliableLayer(serverI2cp);
        ReliableTransport clientTransport = (ReliableTransport) Endpoints.on(router).build();
        try (StreamManager server = StreamManager.open(serverTransport, StreamOptions.builder().peerGracePeriod(Duration.ofMillis(100)).build());
             StreamManager client = StreamManager.open(clientTransport, StreamOptions.builder().peerGracePeriod(Duration.ofHours(1)).build())) {
            StreamServerSocket serverSocket = server.serverSocket();
            OneByteEcho.round(client, server, serverSocket, 10);
            Await.until("the server's layer forgets the client", () -> serverTransport.statistics().get(ReliableCounter.PEERS_FORGOTTEN) > 0);
            long hellosBefore = serverI2cp.envelopeStatistics().get(EnvelopeCounter.HELLOS_SENT);

            OneByteEcho.round(client, server, serverSocket, 20);

            assertThat(serverTransport.statistics()).containsEntry(ReliableCounter.PEERS_RESUMED, 1L).containsEntry(ReliableCounter.RESETS_SENT, 0L);
            assertThat(clientTransport.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
            assertThat(serverI2cp.envelopeStatistics()).as("the client's compact envelopes taken").containsEntry(EnvelopeCounter.UNKNOWN_SESSION, 0L);
            assertThat(serverI2cp.envelopeStatistics().get(EnvelopeCounter.HELLOS_SENT)).as("the session went on: compact envelopes, no new hello")
                    .isEqualTo(hellosBefore);
        }
    }
}
