package org.ministreaming.transport.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.Counter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.reliable.ReliableTransport;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * {@link SenderAttribution} over a transport that, like I2CP, delivers plain messages without a
 * sender: the engine and the reliable layer put it there by themselves, connections work in plain
 * and in reliable mode, what nothing names is dropped and counted below, and a peer lost or
 * forgotten takes its ids with it.
 */
class SenderAttributionTest {

    private static final ConnectionId CLIENT_ID = new ConnectionId(0x123456);
    private static final ConnectionId SERVER_ID = new ConnectionId(0x654321);

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<AutoCloseable> closing = new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void aTransportThatKnowsItsSendersIsLeftAsItIs() {
        Transport memory = network.endpoint("alice");
        closing.add(memory);

        assertThat(SenderAttribution.over(memory)).isSameAs(memory);
        assertThat(SenderAttribution.over(new Unattributing(network.endpoint("bob")))).isInstanceOf(SenderAttribution.class);
    }

    @Test
    void streamsWorkInPlainModeOverATransportThatNamesNoPlainSender() throws Exception {
        Unattributing serverSide = new Unattributing(network.endpoint("server"));
        Unattributing clientSide = new Unattributing(network.endpoint("client"));
        StreamManager server = open(serverSide);
        StreamManager client = open(clientSide);

        exchange(server, client);

        assertThat(serverSide.delivered.get()).as("plain messages went up without a sender").isPositive();
        assertThat(serverSide.dropped.get() + clientSide.dropped.get()).isZero();
        assertThat(server.statistics()).containsEntry(Counter.UNKNOWN_CONNECTION, 0L);
    }

    @Test
    void streamsWorkInReliableModeWhoseFirstSynGoesPlain() throws Exception {
        Unattributing serverSide = new Unattributing(network.endpoint("server"));
        Unattributing clientSide = new Unattributing(network.endpoint("client"));
        StreamManager server = open(ReliableTransport.wrap(serverSide));
        StreamManager client = open(ReliableTransport.wrap(clientSide));

        exchange(server, client);

        assertThat(serverSide.delivered.get()).as("the SYN with the layer's offer went plain").isPositive();
        assertThat(serverSide.dropped.get() + clientSide.dropped.get()).isZero();
    }

    @Test
    void whatNothingNamesIsDroppedAndCountedBelowAndNeverReachesTheLayerAbove() throws Exception {
        Unattributing below = new Unattributing(network.endpoint("server"));
        Transport attacker = network.endpoint("attacker");
        closing.add(attacker);
        attacker.start(new RecordingReceiver());
        StreamManager server = open(below);

        attacker.send(server.localDestination(), Message.of(MessageType.CLIENT_DATA, SERVER_ID, new byte[] {1}).encoded());
        attacker.send(server.localDestination(), Message.syn(CLIENT_ID, "nobody".getBytes(StandardCharsets.UTF_8)).encoded());
        attacker.send(server.localDestination(), Message.ping(CLIENT_ID, 1).encoded());
        attacker.send(server.localDestination(), ByteBuffer.wrap(new byte[] {(byte) 0xFF}));

        Await.until("four messages dropped", () -> below.dropped.get() == 4);
        assertThat(server.statistics()).containsEntry(Counter.UNKNOWN_CONNECTION, 0L).containsEntry(Counter.CHAFF, 0L)
                .containsEntry(Counter.MALFORMED, 0L);
    }

    @Test
    void aPeerLostOrForgottenTakesItsIdsWithIt() throws Exception {
        Unattributing below = new Unattributing(network.endpoint("alice"));
        SenderAttribution alice = (SenderAttribution) SenderAttribution.over(below);
        closing.add(alice);
        RecordingReceiver hears = new RecordingReceiver();
        alice.start(hears);
        Destination bob = MemoryNetwork.destination("bob");
        Destination carol = MemoryNetwork.destination("carol");
        network.endpoint("bob").close();
        network.endpoint("carol").close();

        alice.reply(bob, Message.ack(CLIENT_ID, SERVER_ID).encoded());
        alice.reply(carol, Message.ping(CLIENT_ID, 1).encoded());
        alice.reply(carol, Message.syn(SERVER_ID, new byte[] {1}).encoded());
        assertThat(alice.remembered()).isEqualTo(3);

        below.receiver.onPeerLost(carol, new IOException("link cut"));
        assertThat(alice.remembered()).as("carol's two ids are gone").isEqualTo(1);
        assertThat(hears.events.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS).from()).as("the loss still goes up").isEqualTo(carol);

        alice.forget(bob);
        assertThat(alice.remembered()).isZero();
        assertThat(below.forgotten).containsExactly(bob);
    }

    @Test
    void aMessageInTwoPartsTeachesItsIds() throws Exception {
        Unattributing below = new Unattributing(network.endpoint("alice"));
        SenderAttribution alice = (SenderAttribution) SenderAttribution.over(below);
        closing.add(alice);
        alice.start(new RecordingReceiver());
        network.endpoint("bob").close();
        ByteBuffer ack = Message.ack(CLIENT_ID, SERVER_ID).encoded();

        alice.reply(MemoryNetwork.destination("bob"), ack.duplicate().limit(2), ack.duplicate().position(2));

        assertThat(alice.remembered()).isEqualTo(1);
    }

    private StreamManager open(Transport transport) throws IOException {
        StreamManager manager = StreamManager.open(transport);
        closing.add(0, manager);
        return manager;
    }

    private static void exchange(StreamManager server, StreamManager client) throws Exception {
        var serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return serverSocket.accept(Await.LIMIT);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (StreamSocket socket = client.connect(server.localDestination());
             StreamSocket served = accepted.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {1, 2, 3});
            out.flush();
            InputStream in = served.getInputStream();
            assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
            served.getOutputStream().write(4);
            assertThat(socket.getInputStream().read()).isEqualTo(4);
            socket.close();
            assertThat(in.read()).as("the close arrives, attributed by its id").isEqualTo(-1);
        }
    }

    /**
     * A transport that, like I2CP, cannot name the sender of a plain message: those go up by
     * {@link Receiver#onUnattributed}, and the ones the receiver cannot attribute are counted. It
     * reads a SYN payload that begins with a memory endpoint's name.
     */
    private final class Unattributing extends ForwardingTransport {
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final List<Destination> forgotten = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Receiver receiver;

        Unattributing(Transport inner) {
            super(inner);
            closing.add(this);
        }

        @Override
        public boolean knowsSenders() {
            return false;
        }

        @Override
        public Optional<Destination> senderOfSyn(ByteBuffer payload) {
            String text = StandardCharsets.ISO_8859_1.decode(payload).toString();
            return List.of("server", "client").stream().map(MemoryNetwork::destination).filter(name -> text.startsWith(name.uri())).findFirst();
        }

        @Override
        public void start(Receiver above) throws IOException {
            this.receiver = above;
            super.start(new Receiver() {
                @Override
                public void onMessage(Destination from, ByteBuffer message) {
                    if (message.hasRemaining() && MessageType.isPlain(message.get(message.position()))) {
                        delivered.incrementAndGet();
                        if (!above.onUnattributed(message)) {
                            dropped.incrementAndGet();
                        }
                    } else {
                        above.onMessage(from, message);
                    }
                }

                @Override
                public void onPeerLost(Destination peer, IOException cause) {
                    above.onPeerLost(peer, cause);
                }
            });
        }

        @Override
        public void forget(Destination peer) {
            forgotten.add(peer);
            super.forget(peer);
        }
    }
}
