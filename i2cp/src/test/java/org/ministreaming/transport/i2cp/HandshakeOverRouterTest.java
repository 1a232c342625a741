package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.Counter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * The handshake over a real router: forgeries from a third destination, one per class, change
 * nothing for a connection between two others; the envelope costs 9 bytes per frame after the
 * handshake; a peer that restarted and forgot its session ids is reached again.
 */
@ExtendWith(SharedRouter.class)
class HandshakeOverRouterTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    @Test
    void noForgedEnvelopeFromAThirdDestinationChangesAConnectionBetweenTwoOthers(I2pRouter router) throws Exception {
        ReliablePair pair = new ReliablePair(router);
        I2pKeys serverKeys = pair.serverKeys;
        I2pKeys clientKeys = pair.clientKeys;
        Sent clientSent = pair.clientSent;
        I2cpTransport serverI2cp = pair.serverI2cp;
        ReliableTransport serverLayer = pair.serverLayer;
        ReliableTransport clientLayer = pair.clientLayer;
        try (StreamManager server = StreamManager.open(serverLayer);
             StreamManager client = StreamManager.open(clientLayer);
             RawSession attacker = new RawSession(router, I2pKeys.generate())) {
            var serverSocket = server.serverSocket();
            CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(60)));
            try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(90, TimeUnit.SECONDS)) {
                ReliablePair.exchange(socket, served, 1);
                assertThat(serverI2cp.handshake().isProven(clientKeys.i2pDestination())).isTrue();
                byte[] clientsHello = clientSent.calls().stream().filter(call -> call.bytes()[0] == Envelope.HELLO)
                        .map(Sent.Call::bytes).findFirst().orElseThrow();
                Map<EnvelopeCounter, Long> before = serverI2cp.envelopeStatistics();
                long unattributedBefore = serverI2cp.unattributedMessages();
                Map<ReliableCounter, Long> layerBefore = serverLayer.statistics();

                List<Forgery> forgeries = forgeries(serverKeys, clientKeys, attacker.keys(), clientsHello);
                for (Forgery forgery : forgeries) {
                    attacker.sendFrom(serverKeys, forgery.bytes(), Envelope.PROTOCOL, forgery.fromPort());
                }
                Await.until(forgeries.size() + " forgeries dropped",
                        () -> serverI2cp.unattributedMessages() == unattributedBefore + forgeries.size());

                Map<EnvelopeCounter, Long> expected = new EnumMap<>(EnvelopeCounter.class);
                forgeries.forEach(forgery -> expected.merge(forgery.counter(), 1L, Long::sum));
                Map<EnvelopeCounter, Long> after = serverI2cp.envelopeStatistics();
                expected.forEach((counter, count) -> assertThat(after.get(counter) - before.get(counter)).as("%s", counter).isEqualTo(count));
                assertThat(after.get(EnvelopeCounter.HELLOS_ACCEPTED)).isEqualTo(before.get(EnvelopeCounter.HELLOS_ACCEPTED));
                assertThat(after.get(EnvelopeCounter.UNPROVEN_ACCEPTED)).isZero();

                ReliablePair.exchange(socket, served, 2);
                Map<ReliableCounter, Long> layerAfter = serverLayer.statistics();
                for (ReliableCounter counter : new ReliableCounter[] {ReliableCounter.STALE_FRAMES, ReliableCounter.RESETS_SENT,
                        ReliableCounter.MALFORMED_FRAMES, ReliableCounter.PEERS_RESTARTED}) {
                    assertThat(layerAfter.get(counter)).as("nothing forged reached the reliable layer: %s", counter).isEqualTo(layerBefore.get(counter));
                }
                assertThat(clientLayer.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
                for (StreamManager manager : new StreamManager[] {server, client}) {
                    assertThat(manager.statistics()).containsEntry(Counter.PEERS_LOST, 0L).containsEntry(Counter.INTERNAL_ERROR, 0L)
                            .containsEntry(Counter.UNKNOWN_TYPE, 0L).containsEntry(Counter.MALFORMED, 0L);
                }
            }
        }
    }

    /** One forged message and the counter it must land in at the server. */
    private record Forgery(String what, byte[] bytes, int fromPort, EnvelopeCounter counter) {
    }

    /** One forgery per class, as a third destination (Eve) can make them. */
    private static List<Forgery> forgeries(I2pKeys server, I2pKeys client, I2pKeys eve, byte[] clientsHello) throws IOException {
        byte[] frame = new byte[26 + 8];
        frame[0] = 0x7E;
        frame[1] = 1;
        java.util.Arrays.fill(frame, 2, frame.length, (byte) 0x11);
        ByteBuffer forgedFrame = ByteBuffer.wrap(frame);
        long now = System.currentTimeMillis();
        Random random = new Random(1);
        byte[] evesOwnHello = Hello.seal(now, random.nextLong(), 5, 0, server.i2pDestination().calculateHash(), eve.destinationBytes(),
                eve.signingKey(), forgedFrame, NOTHING);
        evesOwnHello[evesOwnHello.length - 70] ^= 1;
        return List.of(
                new Forgery("named, naming the proven client", Envelope.seal(client.destinationBytes(), forgedFrame, NOTHING), 0,
                        EnvelopeCounter.NAMED_PROVEN_PEER),
                new Forgery("named, naming the proven client, with this version's port",
                        Envelope.seal(client.destinationBytes(), forgedFrame, NOTHING), Envelope.PORT, EnvelopeCounter.NAMED_PROVEN_PEER),
                new Forgery("compact with a guessed id", Envelope.sealCompact(random.nextLong(), forgedFrame, NOTHING), Envelope.PORT,
                        EnvelopeCounter.UNKNOWN_SESSION),
                new Forgery("compact with id 1", Envelope.sealCompact(1, forgedFrame, NOTHING), Envelope.PORT, EnvelopeCounter.UNKNOWN_SESSION),
                new Forgery("Eve's hello with its frame changed", evesOwnHello, Envelope.PORT, EnvelopeCounter.BAD_SIGNATURE),
                new Forgery("a hello signed by Eve that names the client", Hello.seal(now, random.nextLong(), 5, 0,
                        server.i2pDestination().calculateHash(), client.destinationBytes(), eve.signingKey(), forgedFrame, NOTHING),
                        Envelope.PORT, EnvelopeCounter.BAD_SIGNATURE),
                new Forgery("the client's own hello, replayed", clientsHello, Envelope.PORT, EnvelopeCounter.REPLAYED_HELLO),
                new Forgery("the client's hello to Eve, passed on", Hello.seal(now, random.nextLong(), 5, 0,
                        eve.i2pDestination().calculateHash(), client.destinationBytes(), client.signingKey(), forgedFrame, NOTHING),
                        Envelope.PORT, EnvelopeCounter.WRONG_RECIPIENT),
                new Forgery("a hello of the client's from ten minutes ago", Hello.seal(now - 600_000, random.nextLong(), 5, 0,
                        server.i2pDestination().calculateHash(), client.destinationBytes(), client.signingKey(), forgedFrame, NOTHING),
                        Envelope.PORT, EnvelopeCounter.STALE_HELLO),
                new Forgery("empty", new byte[0], Envelope.PORT, EnvelopeCounter.MALFORMED),
                new Forgery("a hello's kind alone", HEX.parseHex("02"), Envelope.PORT, EnvelopeCounter.MALFORMED),
                new Forgery("a compact envelope cut short", HEX.parseHex("030000"), Envelope.PORT, EnvelopeCounter.MALFORMED),
                new Forgery("a named envelope cut short", HEX.parseHex("01FFFF"), 0, EnvelopeCounter.MALFORMED),
                new Forgery("an unknown kind", HEX.parseHex("047E0102030405"), Envelope.PORT, EnvelopeCounter.MALFORMED));
    }

    @Test
    void afterTheHandshakeEachFrameCostsNineBytesOfEnvelope(I2pRouter router) throws Exception {
        Sent clientSent = new Sent();
        I2cpTransport serverI2cp = Endpoints.on(router).buildPlain();
        I2cpTransport clientI2cp = Endpoints.on(router).tap(clientSent).buildPlain();
        FrameRecorder frames = new FrameRecorder(clientI2cp);
        try (StreamManager server = StreamManager.open(Endpoints.on(router).withReliableLayer(serverI2cp));
             StreamManager client = StreamManager.open(ReliableTransport.builder(frames).build())) {
            var serverSocket = server.serverSocket();
            CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(60)));
            try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(90, TimeUnit.SECONDS)) {
                for (int round = 1; round <= 20; round++) {
                    ReliablePair.exchange(socket, served, round);
                }
            }
        }
        List<Sent.Call> enveloped = clientSent.calls().stream().filter(call -> call.protocol() == Envelope.PROTOCOL).toList();
        int firstCompact = 0;
        while (firstCompact < enveloped.size() && enveloped.get(firstCompact).bytes()[0] != Envelope.COMPACT) {
            firstCompact++;
        }
        List<Sent.Call> afterHandshake = enveloped.subList(firstCompact, enveloped.size());
        assertThat(firstCompact).as("hellos before the first compact envelope").isBetween(1, 4);
        assertThat(afterHandshake).as("frames after the handshake").hasSizeGreaterThanOrEqualTo(20);
        long envelopeBytes = 0;
        for (Sent.Call call : afterHandshake) {
            assertThat(call.bytes()[0]).as("after the handshake only compact envelopes").isEqualTo(Envelope.COMPACT);
            String frame = call.hex().substring(2 * Envelope.COMPACT_OVERHEAD);
            assertThat(frames.sent).as("what follows the envelope is a frame the layer sent").contains(frame);
            envelopeBytes += call.bytes().length - frame.length() / 2;
        }
        assertThat(envelopeBytes / afterHandshake.size()).as("envelope bytes per frame").isEqualTo(9).isLessThanOrEqualTo(16);
    }

    @Test
    void aPeerThatRestartedAndForgotItsSessionIdsIsReachedAgain(I2pRouter router) throws Exception {
        I2pKeys clientKeys = I2pKeys.generate();
        // The server keeps the first life's session id however long the router takes to let go of
        // that session: with the default silence time its compact envelopes could turn to hellos
        // before the second life is up, and none would reach it.
        I2cpTransport serverI2cp = Endpoints.on(router).silence(Duration.ofMinutes(10)).buildPlain();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).withReliableLayer(serverI2cp))) {
            var serverSocket = server.serverSocket();
            I2cpTransport first = Endpoints.on(router).keys(clientKeys).buildPlain();
            StreamManager firstLife = StreamManager.open(Endpoints.on(router).withReliableLayer(first));
            CompletableFuture<StreamSocket> accepting = Async.run(() -> serverSocket.accept(Duration.ofSeconds(90)));
            StreamSocket left = firstLife.connect(server.localDestination());
            StreamSocket served = accepting.get(120, TimeUnit.SECONDS);
            // Exchanges until the first life speaks by compact envelopes (after its hellos were answered).
            for (int round = 0; first.envelopeStatistics().get(EnvelopeCounter.COMPACT_SENT) == 0; round++) {
                assertThat(round).as("exchanges before the first life reached compact envelopes").isLessThan(20);
                ReliablePair.exchange(left, served, 5);
            }
            long serverHellos = serverI2cp.envelopeStatistics().get(EnvelopeCounter.HELLOS_SENT);
            // The first life ends without a word (its session closed under an open connection).
            first.close();

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
                // The server writes on, by the first life's session id, which the second life does not know.
                served.getOutputStream().write(7);
                Await.until("the second life drops the server's compact envelopes to the first life's id",
                        () -> second[0].envelopeStatistics().get(EnvelopeCounter.UNKNOWN_SESSION) > 0);
                connectAndExchange(client, server, serverSocket);
                assertThat(serverI2cp.envelopeStatistics().get(EnvelopeCounter.HELLOS_SENT)).as("then hellos again").isGreaterThan(serverHellos);
            } finally {
                served.close();
                firstLife.close();
            }
        }
    }

    private static void connectAndExchange(StreamManager client, StreamManager server, org.ministreaming.StreamServerSocket serverSocket)
            throws Exception {
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(90)));
        try (StreamSocket socket = client.connect(server.localDestination()); StreamSocket served = accepted.get(120, TimeUnit.SECONDS)) {
            ReliablePair.exchange(socket, served, 5);
        }
    }

    /** Passes everything to the I2CP transport and keeps the frames handed to it, in hex. */
    private static final class FrameRecorder implements Transport {
        final Set<String> sent = ConcurrentHashMap.newKeySet();
        private final I2cpTransport inner;

        FrameRecorder(I2cpTransport inner) {
            this.inner = inner;
        }

        private void record(ByteBuffer header, ByteBuffer payload) {
            byte[] bytes = new byte[header.remaining() + payload.remaining()];
            header.duplicate().get(bytes, 0, header.remaining());
            payload.duplicate().get(bytes, header.remaining(), payload.remaining());
            sent.add(HEX.formatHex(bytes));
        }

        @Override
        public Destination localDestination() {
            return inner.localDestination();
        }

        @Override
        public byte[] synPayload() {
            return inner.synPayload();
        }

        @Override
        public void start(Receiver receiver) throws IOException {
            inner.start(receiver);
        }

        @Override
        public void send(Destination to, ByteBuffer message) throws IOException {
            send(to, message, NOTHING);
        }

        @Override
        public void send(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
            record(header, payload);
            inner.send(to, header, payload);
        }

        @Override
        public boolean reply(Destination to, ByteBuffer message) {
            return reply(to, message, NOTHING);
        }

        @Override
        public boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
            record(header, payload);
            return inner.reply(to, header, payload);
        }

        @Override
        public void forget(Destination peer) {
            inner.forget(peer);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
