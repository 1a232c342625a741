package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * What a small request/response costs in reliable mode over the router (issue 14's latency): the
 * session's connection to the router sends and acknowledges small messages at once ({@link RouterSocket}), and an
 * exchange costs the server one I2CP message, its answer with the acknowledgement of the request
 * on it, not a pure acknowledgement and then the answer, a pair the router's socket (Nagle's
 * algorithm, left on by the router) holds for up to 40 ms. The timing itself is a benchmark's
 * (bench's {@code RequestResponseBenchmark}).
 */
@ExtendWith(SharedRouter.class)
class RequestResponseTest {

    private static final int EXCHANGES = 20;

    @Test
    void theSessionsConnectionToTheRouterHasNagleOffAndAcknowledgesAtOnce(I2pRouter router) throws Exception {
        I2cpTransport transport = Endpoints.on(router).buildPlain();
        try {
            transport.start(new Transport.Receiver() {
                @Override
                public void onMessage(Destination from, ByteBuffer message) {
                }

                @Override
                public void onPeerLost(Destination peer, IOException cause) {
                }
            });
            RouterSocket socket = transport.routerSocket();
            assertThat(socket.noDelay()).isTrue();
            assertThat(socket.quickAck()).isEqualTo(System.getProperty("os.name").startsWith("Linux"));
        } finally {
            transport.close();
        }
    }

    @Test
    void theAnswersCarryTheAcknowledgementsOfTheRequests(I2pRouter router) throws Exception {
        Sent serverSent = new Sent();
        StreamOptions options = StreamOptions.builder().build();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).tap(serverSent).build(), options);
             StreamManager client = Endpoints.reliable(router, options)) {
            var serverSocket = server.serverSocket();
            CompletableFuture<Integer> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(30))) {
                    int answered = 0;
                    byte[] request = new byte[100];
                    while (socket.getInputStream().readNBytes(request, 0, request.length) == request.length) {
                        socket.getOutputStream().write(new byte[100]);
                        socket.getOutputStream().flush();
                        answered++;
                    }
                    return answered;
                }
            });
            int before;
            try (StreamSocket socket = client.connect(server.localDestination())) {
                socket.getOutputStream().write(new byte[100]);
                assertThat(socket.getInputStream().readNBytes(100)).hasSize(100);
                Await.until("the server's first answer was sent", () -> serverSent.calls().size() >= 2);
                before = serverSent.calls().size();
                for (int i = 0; i < EXCHANGES; i++) {
                    socket.getOutputStream().write(new byte[100]);
                    socket.getOutputStream().flush();
                    assertThat(socket.getInputStream().readNBytes(100)).hasSize(100);
                }
                int during = serverSent.calls().size() - before;
                // One message an exchange: the answer, with the ack on it. A pure ack before an
                // answer is the slow pattern; a few may happen when the machine stalls the server.
                assertThat(during).as("I2CP messages the server sent for %d exchanges", EXCHANGES)
                        .isGreaterThanOrEqualTo(EXCHANGES).isLessThan(EXCHANGES + EXCHANGES / 2);
            }
            assertThat(served.get(60, TimeUnit.SECONDS)).isEqualTo(EXCHANGES + 1);
        }
    }
}
