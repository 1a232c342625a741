package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * Reliable mode with a peer of the version before the handshake ({@link VersionBeforeTransport}),
 * over a real router: either side may be the old one; it stays unproven; a transport that refuses
 * unproven peers does not talk with it.
 */
@ExtendWith(SharedRouter.class)
class HandshakeVersionBeforeTest {

    @Test
    void anOldClientReachesANewServerWhichAnswersItNamed(I2pRouter router) throws Exception {
        I2cpTransport serverI2cp = Endpoints.on(router).buildPlain();
        I2pKeys oldKeys = I2pKeys.generate();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).withReliableLayer(serverI2cp));
             StreamManager old = StreamManager.open(oldReliable(router, oldKeys))) {
            exchange(old, server);

            assertThat(serverI2cp.envelopeStatistics().get(EnvelopeCounter.NAMED_SENT)).as("after hellos the old client could not read").isPositive();
            assertThat(serverI2cp.envelopeStatistics().get(EnvelopeCounter.UNPROVEN_ACCEPTED)).isPositive();
            assertThat(serverI2cp.handshake().isProven(oldKeys.i2pDestination())).isFalse();
        }
    }

    @Test
    void aNewClientReachesAnOldServerAndAnswersItNamed(I2pRouter router) throws Exception {
        I2cpTransport clientI2cp = Endpoints.on(router).buildPlain();
        try (StreamManager old = StreamManager.open(oldReliable(router, I2pKeys.generate()));
             StreamManager client = StreamManager.open(Endpoints.on(router).withReliableLayer(clientI2cp))) {
            exchange(client, old);

            assertThat(clientI2cp.envelopeStatistics().get(EnvelopeCounter.UNPROVEN_ACCEPTED)).isPositive();
            assertThat(clientI2cp.envelopeStatistics().get(EnvelopeCounter.NAMED_SENT)).isPositive();
            assertThat(clientI2cp.envelopeStatistics().get(EnvelopeCounter.COMPACT_SENT)).isZero();
        }
    }

    @Test
    void aServerThatRefusesUnprovenPeersNeverAnswersAnOldClientItCanRead(I2pRouter router) throws Exception {
        I2cpTransport serverI2cp = Endpoints.on(router).refuseUnproven(true).buildPlain();
        StreamOptions shortConnect = StreamOptions.builder().connectTimeout(Duration.ofSeconds(8)).build();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).refuseUnproven(true).withReliableLayer(serverI2cp));
             StreamManager old = StreamManager.open(oldReliable(router, I2pKeys.generate()), shortConnect)) {
            assertThatThrownBy(() -> old.connect(server.localDestination())).isInstanceOf(IOException.class);

            assertThat(serverI2cp.envelopeStatistics().get(EnvelopeCounter.HELLOS_SENT)).isPositive();
            assertThat(serverI2cp.envelopeStatistics().get(EnvelopeCounter.NAMED_SENT)).isZero();
        }
    }

    private static ReliableTransport oldReliable(I2pRouter router, I2pKeys keys) throws Exception {
        return ReliableTransport.builder(new VersionBeforeTransport(router, keys)).ackDelay(I2cpTransportBuilder.ACK_DELAY).build();
    }

    private static void exchange(StreamManager client, StreamManager server) throws Exception {
        var serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(90)));
        try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(120, TimeUnit.SECONDS)) {
            for (int round = 1; round <= 3; round++) {
                socket.getOutputStream().write(round);
                assertThat(served.getInputStream().read()).isEqualTo(round);
                served.getOutputStream().write(round + 10);
                assertThat(socket.getInputStream().read()).isEqualTo(round + 10);
            }
        }
    }
}
