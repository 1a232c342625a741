package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.Counter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * The reliable layer's plain messages over a real router: a probe and plain messages forged by a
 * third destination in the name of a peer that speaks frames change nothing for the connection
 * between two others, while a peer that really restarted is reached again.
 */
@ExtendWith(SharedRouter.class)
class ForgedProbeOverRouterTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** The layer's offer after a SYN: "MSRD", version 1, an epoch the client never drew, seq 0 (protocol.md §14). */
    private static final String FORGED_OFFER = "4D535244" + "01" + "0BADBAD0" + "00000000";

    @Test
    void aForgedProbeAndForgedPlainMessagesFromAThirdDestinationChangeNothingBetweenTwoOthers(I2pRouter router) throws Exception {
        ReliablePair pair = new ReliablePair(router);
        I2pKeys serverKeys = pair.serverKeys;
        I2pKeys clientKeys = pair.clientKeys;
        Sent clientSent = pair.clientSent;
        ReliableTransport serverLayer = pair.serverLayer;
        ReliableTransport clientLayer = pair.clientLayer;
        try (StreamManager server = StreamManager.open(serverLayer);
             StreamManager client = StreamManager.open(clientLayer);
             RawSession eve = new RawSession(router, I2pKeys.generate())) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(60)));
            try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(90, TimeUnit.SECONDS)) {
                ReliablePair.exchange(socket, served, 1);
                byte[] probe = clientSent.calls().stream().filter(call -> call.protocol() == 0 && call.bytes()[0] == (byte) 0xA1)
                        .map(Sent.Call::bytes).findFirst().orElseThrow();
                String clientId = HEX.formatHex(probe, 1, 4);
                String synNamingTheClient = "A1" + "123456" + HEX.formatHex(clientKeys.destinationBytes());

                eve.send(serverKeys, HEX.parseHex(synNamingTheClient + FORGED_OFFER), 0);
                eve.send(serverKeys, HEX.parseHex(synNamingTheClient), 0);
                eve.send(clientKeys, HEX.parseHex("50" + clientId + "6576696C"), 0);
                eve.send(clientKeys, HEX.parseHex("52" + clientId), 0);
                Await.until("the forged probe and plain SYN dropped by the server's layer",
                        () -> serverLayer.statistics().get(ReliableCounter.UNPROVEN_CLAIMS_DROPPED) == 2);
                Await.until("the forged data and close dropped by the client's layer",
                        () -> clientLayer.statistics().get(ReliableCounter.UNPROVEN_CLAIMS_DROPPED) == 2);

                ReliablePair.exchange(socket, served, 2);
                byte[] bulk = new byte[20_000];
                Arrays.fill(bulk, (byte) 0x5A);
                socket.getOutputStream().write(bulk);
                assertThat(served.getInputStream().readNBytes(bulk.length)).as("bytes intact").isEqualTo(bulk);
                for (ReliableTransport layer : new ReliableTransport[] {serverLayer, clientLayer}) {
                    Map<ReliableCounter, Long> statistics = layer.statistics();
                    assertThat(statistics).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L).containsEntry(ReliableCounter.PLAIN_PEERS, 0L);
                }
                assertThat(serverLayer.isPlain(clientKeys.destination())).isFalse();
                assertThat(clientLayer.isPlain(serverKeys.destination())).isFalse();
                for (StreamManager manager : new StreamManager[] {server, client}) {
                    assertThat(manager.statistics()).as("nothing forged reached the engine").containsEntry(Counter.PEERS_LOST, 0L)
                            .containsEntry(Counter.INTERNAL_ERROR, 0L).containsEntry(Counter.UNKNOWN_CONNECTION, 0L)
                            .containsEntry(Counter.DUPLICATE_SYN, 0L);
                }
            }
        }
    }

    @Test
    void aPeerThatRestartedWhileTheOtherKeptItsConnectionIsReachedAgain(I2pRouter router) throws Exception {
        I2pKeys clientKeys = I2pKeys.generate();
        ReliableTransport serverLayer = (ReliableTransport) Endpoints.on(router).withReliableLayer(Endpoints.on(router).buildPlain());
        try (StreamManager server = StreamManager.open(serverLayer)) {
            StreamServerSocket serverSocket = server.serverSocket();
            ReliableTransport firstLayer = (ReliableTransport) Endpoints.on(router).withReliableLayer(Endpoints.on(router).keys(clientKeys).buildPlain());
            try (StreamManager first = StreamManager.open(firstLayer)) {
                CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(60)));
                StreamSocket socket = first.connect(server.localDestination());
                StreamSocket kept = accepted.get(90, TimeUnit.SECONDS);
                ReliablePair.exchange(socket, kept, 1);
                // The first life ends without a word: the server keeps the connection and the peer.
                firstLayer.close();
            }
            I2cpTransport[] second = new I2cpTransport[1];
            StreamManager[] restarted = new StreamManager[1];
            Await.until("the router lets go of the first life's session", () -> {
                second[0] = Endpoints.on(router).keys(clientKeys).buildPlain();
                try {
                    restarted[0] = StreamManager.open(Endpoints.on(router).withReliableLayer(second[0]));
                    return true;
                } catch (IOException e) {
                    assertThat(e).hasMessageContaining("duplicate destination");
                    return false;
                }
            });
            try (StreamManager client = restarted[0]) {
                CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(120)));
                try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(150, TimeUnit.SECONDS)) {
                    ReliablePair.exchange(socket, served, 2);
                }
            }
            assertThat(serverLayer.statistics().get(ReliableCounter.UNPROVEN_CLAIMS_DROPPED))
                    .as("the restarted peer's first probe was not taken on its word").isPositive();
            assertThat(serverLayer.statistics().get(ReliableCounter.PEERS_RESTARTED)).as("its reset was").isEqualTo(1L);
        }
    }
}
