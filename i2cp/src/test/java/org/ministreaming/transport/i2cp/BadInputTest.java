package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.Counter;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * Messages over I2CP that name no sender, or name one falsely, are dropped and counted; an open
 * connection between two of our endpoints carries on untouched.
 */
@ExtendWith(SharedRouter.class)
class BadInputTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /**
     * The connection is plain, as with the original, so that the server's table holds its ids
     * and a message the table could misattribute has a peer to be misattributed to.
     */
    @Test
    void unattributableAndMalformedMessagesAreDroppedWhileAConnectionCarriesOn(I2pRouter router) throws Exception {
        I2pKeys serverKeys = I2pKeys.generate();
        I2cpTransport serverI2cp = Endpoints.on(router).keys(serverKeys).buildPlain();
        try (StreamManager server = StreamManager.open(serverI2cp);
             StreamManager client = StreamManager.open(Endpoints.on(router).buildPlain());
             RawSession attacker = new RawSession(router, I2pKeys.generate())) {
            var serverSocket = server.serverSocket();
            CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(30)));
            try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(60, TimeUnit.SECONDS)) {
                socket.getOutputStream().write(1);
                assertThat(served.getInputStream().read()).isEqualTo(1);

                byte[] truncatedSyn = Arrays.copyOf(OriginalPeerTest.concat(HEX.parseHex("A1123456"), attacker.keys().destinationBytes()), 100);
                attacker.send(serverKeys, truncatedSyn, 0);
                attacker.send(serverKeys, HEX.parseHex("A0ABCDEF0102"), 0);
                attacker.send(serverKeys, HEX.parseHex("52ABCDEF"), 0);
                attacker.send(serverKeys, HEX.parseHex("A4ABCDEF0000000000000001"), 0);
                attacker.send(serverKeys, HEX.parseHex("FF"), 0);
                attacker.send(serverKeys, HEX.parseHex("01FFFF"), Envelope.PROTOCOL);
                attacker.send(serverKeys, new byte[0], Envelope.PROTOCOL);
                attacker.send(serverKeys, HEX.parseHex("02"), Envelope.PROTOCOL);
                Await.until("eight messages dropped", () -> serverI2cp.unattributedMessages() == 8);

                socket.getOutputStream().write(2);
                assertThat(served.getInputStream().read()).isEqualTo(2);
                served.getOutputStream().write(3);
                assertThat(socket.getInputStream().read()).isEqualTo(3);
                // Counted before the sockets close: their closes cross, and the one that arrives
                // second is for a connection already gone, an UNKNOWN_CONNECTION of its own.
                assertThat(server.statistics()).as("nothing of it reached the engine")
                        .containsEntry(Counter.MALFORMED, 0L).containsEntry(Counter.UNKNOWN_TYPE, 0L)
                        .containsEntry(Counter.CHAFF, 0L).containsEntry(Counter.UNKNOWN_CONNECTION, 0L)
                        .containsEntry(Counter.INTERNAL_ERROR, 0L);
                assertThat(client.statistics()).containsEntry(Counter.INTERNAL_ERROR, 0L);
            }
        }
    }

    /** The client proved itself with a hello, so an envelope that only names it is a forgery. */
    @Test
    void aFrameUnderAForgedSenderIsDroppedBeforeTheReliableLayer(I2pRouter router) throws Exception {
        I2pKeys serverKeys = I2pKeys.generate();
        I2pKeys clientKeys = I2pKeys.generate();
        I2cpTransport serverI2cp = Endpoints.on(router).keys(serverKeys).buildPlain();
        ReliableTransport serverLayer = (ReliableTransport) Endpoints.on(router).withReliableLayer(serverI2cp);
        ReliableTransport clientLayer = (ReliableTransport) Endpoints.on(router).keys(clientKeys).build();
        try (StreamManager server = StreamManager.open(serverLayer);
             StreamManager client = StreamManager.open(clientLayer);
             RawSession attacker = new RawSession(router, I2pKeys.generate())) {
            var serverSocket = server.serverSocket();
            CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(30)));
            try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(60, TimeUnit.SECONDS)) {
                Await.until("the client proves itself with a hello", () -> serverI2cp.handshake().isProven(clientKeys.i2pDestination()));
                // A data frame with the client's name but epochs it never used (11111111 both ways).
                byte[] forgedFrame = new byte[26 + 8];
                forgedFrame[0] = 0x7E;
                forgedFrame[1] = 1;
                Arrays.fill(forgedFrame, 2, forgedFrame.length, (byte) 0x11);
                byte[] envelope = OriginalPeerTest.concat(new byte[] {Envelope.FULL_DESTINATION},
                        OriginalPeerTest.concat(clientKeys.destinationBytes(), forgedFrame));
                attacker.send(serverKeys, envelope, Envelope.PROTOCOL);

                Await.until("the server drops the envelope naming a proven client",
                        () -> serverI2cp.envelopeStatistics().get(EnvelopeCounter.NAMED_PROVEN_PEER) == 1);

                socket.getOutputStream().write(7);
                assertThat(served.getInputStream().read()).as("the real client's byte, nothing forged before it").isEqualTo(7);
                served.getOutputStream().write(8);
                assertThat(socket.getInputStream().read()).isEqualTo(8);
                assertThat(serverLayer.statistics()).as("the reliable layer never saw it").containsEntry(ReliableCounter.STALE_FRAMES, 0L)
                        .containsEntry(ReliableCounter.RESETS_SENT, 0L).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
                assertThat(server.statistics()).as("the forged payload, 11 11 ..., never reached the engine")
                        .containsEntry(Counter.UNKNOWN_TYPE, 0L).containsEntry(Counter.MALFORMED, 0L);
                assertThat(clientLayer.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
                for (StreamManager manager : new StreamManager[] {server, client}) {
                    assertThat(manager.statistics()).containsEntry(Counter.PEERS_LOST, 0L).containsEntry(Counter.INTERNAL_ERROR, 0L);
                }
            }
        }
    }
}
