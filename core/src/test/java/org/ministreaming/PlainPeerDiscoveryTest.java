package org.ministreaming;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ministreaming.fuzz.Seeds.concat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * A manager over the reliable delivery layer in its default mode, with no setting about its
 * peer: it reaches a server that speaks as the original did (plain, no flow control), and keeps
 * reliability and flow control with a peer of its own kind.
 */
@Timeout(120)
class PlainPeerDiscoveryTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final MemoryNetwork network = new MemoryNetwork(new Random(11));

    /** A reliable endpoint whose first retransmission comes after {@code initialRto}. */
    private ReliableTransport reliable(String name, Duration initialRto) {
        return ReliableTransport.builder(network.endpoint(name)).initialRto(initialRto).minRto(Duration.ofMillis(50))
                .closeLinger(Duration.ZERO).build();
    }

    @Test
    void aDefaultClientReachesAnOriginalServerWhichSeesThePlainSyn() throws Exception {
        ReliableTransport transport = reliable("alice", Duration.ofSeconds(20));
        try (ScriptedPeer original = new ScriptedPeer(network, "original");
             StreamManager client = StreamManager.open(transport)) {
            CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(original.destination()));

            byte[] syn = original.expect();
            assertThat(HEX.formatHex(syn, 0, 1)).isEqualTo("A1");
            byte[] payload = Arrays.copyOfRange(syn, 4, syn.length);
            assertThat(new String(payload, 0, "mem:alice".length(), UTF_8)).as("the destination first, as the original reads it")
                    .isEqualTo("mem:alice");
            byte[] clientId = Arrays.copyOfRange(syn, 1, 4);
            original.send(client.localDestination(), concat(HEX.parseHex("51"), clientId, HEX.parseHex("987654")));
            original.send(client.localDestination(), concat(HEX.parseHex("50"), clientId, "hi".getBytes(UTF_8)));

            try (StreamSocket socket = connecting.get(30, TimeUnit.SECONDS)) {
                assertThat(socket.getInputStream().readNBytes(2)).asString(UTF_8).isEqualTo("hi");
                assertThat(socket.hasFlowControl()).isFalse();
                socket.getOutputStream().write('!');
                assertThat(HEX.formatHex(original.expect())).as("plain data").isEqualTo("A0987654" + "21");
            }
            assertThat(HEX.formatHex(original.expect())).as("the client's close").isEqualTo("A2987654");
            assertThat(transport.isPlain(original.destination())).isTrue();
            assertThat(transport.statistics()).containsEntry(ReliableCounter.PROBES_SENT, 1L);
        }
    }

    @Test
    void aDefaultClientKeepsReliabilityAndFlowControlWithOurServer() throws Exception {
        ReliableTransport serverTransport = reliable("server", Duration.ofMillis(300));
        ReliableTransport clientTransport = reliable("client", Duration.ofMillis(300));
        try (StreamManager server = StreamManager.open(serverTransport);
             StreamManager client = StreamManager.open(clientTransport)) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<String> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept()) {
                    socket.getOutputStream().write("hello".getBytes(UTF_8));
                    return String.valueOf(socket.hasFlowControl());
                }
            });

            try (StreamSocket socket = client.connect(server.localDestination())) {
                assertThat(socket.getInputStream().readNBytes(5)).asString(UTF_8).isEqualTo("hello");
                assertThat(socket.hasFlowControl()).isTrue();
            }
            assertThat(served.get(30, TimeUnit.SECONDS)).as("flow control at the server").isEqualTo("true");
            assertThat(clientTransport.isPlain(server.localDestination())).isFalse();
            assertThat(serverTransport.isPlain(client.localDestination())).isFalse();
            assertThat(serverTransport.statistics().get(ReliableCounter.PROBES_RECEIVED)).isPositive();
            assertThat(serverTransport.statistics().get(ReliableCounter.MESSAGES_DELIVERED)).as("frames after the probe").isPositive();
        }
    }

    @Test
    void lostAndDuplicatedSynsMakeNoSecondConnectionAtOurServer() throws Exception {
        network.setFaults(LinkFaults.NONE.withDropPercent(30).withDuplicatePercent(30));
        int connections = 30;
        ReliableTransport serverTransport = ReliableTransport.builder(network.endpoint("server"))
                .initialRto(Duration.ofMillis(100)).minRto(Duration.ofMillis(50)).maxRetries(30).closeLinger(Duration.ZERO).build();
        ReliableTransport clientTransport = ReliableTransport.builder(network.endpoint("client"))
                .initialRto(Duration.ofMillis(100)).minRto(Duration.ofMillis(50)).maxRetries(30).closeLinger(Duration.ZERO).build();
        try (StreamManager server = StreamManager.open(serverTransport);
             StreamManager client = StreamManager.open(clientTransport, StreamOptions.builder().connectTimeout(Duration.ofSeconds(60)).build())) {
            StreamServerSocket serverSocket = server.serverSocket();
            List<CompletableFuture<StreamSocket>> connects = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                connects.add(Async.run(() -> client.connect(server.localDestination())));
            }
            List<StreamSocket> accepted = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                accepted.add(serverSocket.accept(Duration.ofSeconds(60)));
            }
            for (CompletableFuture<StreamSocket> connect : connects) {
                connect.get(60, TimeUnit.SECONDS).close();
            }

            assertThat(clientTransport.statistics().get(ReliableCounter.RETRANSMITTED)).as("messages sent again").isPositive();
            assertThat(serverTransport.statistics().get(ReliableCounter.DUPLICATES_DISCARDED)).as("copies that arrived").isPositive();
            assertThat(server.statistics()).containsEntry(Counter.DUPLICATE_SYN, 0L);
            assertThatNoMoreIsAccepted(serverSocket);
            for (StreamSocket socket : accepted) {
                socket.close();
            }
        }
    }

    private static void assertThatNoMoreIsAccepted(StreamServerSocket serverSocket) {
        try {
            StreamSocket extra = serverSocket.accept(Duration.ofMillis(500));
            extra.close();
            throw new AssertionError("a second connection was made for a repeated SYN: " + extra);
        } catch (java.net.SocketTimeoutException expected) {
            // nothing else waits for accept()
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anOriginalServerWhoseAckIsSlowSeesTheSynOnceSoWhatItWritesFirstIsTheStream() throws Exception {
        ReliableTransport transport = reliable("alice", Duration.ofMillis(300));
        try (ScriptedPeer original = new ScriptedPeer(network, "original");
             StreamManager client = StreamManager.open(transport)) {
            CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(original.destination()));
            byte[] syn = original.expect();
            assertThat(HEX.formatHex(syn, 0, 1)).isEqualTo("A1");
            byte[] clientId = Arrays.copyOfRange(syn, 1, 4);
            for (int resend = 1; resend <= 2; resend++) {
                assertThat(HEX.formatHex(original.expect(), 0, 1)).as("resend %d: a frame, whose type the original does not know", resend)
                        .isEqualTo("7E");
            }

            // As the original: one connection per SYN, which writes first. Its ACK came after two retransmissions.
            original.send(client.localDestination(), concat(HEX.parseHex("51"), clientId, HEX.parseHex("111111")));
            original.send(client.localDestination(), concat(HEX.parseHex("50"), clientId, "banner".getBytes(UTF_8)));
            try (StreamSocket socket = connecting.get(30, TimeUnit.SECONDS)) {
                assertThat(socket.getInputStream().readNBytes(6)).asString(UTF_8).isEqualTo("banner");
            }
            byte[] next;
            do {
                next = original.expect();
            } while (next[0] == 0x7E);
            assertThat(HEX.formatHex(next)).as("after frames sent before the answer came: the close, no second SYN").isEqualTo("A2111111");
            assertThat(transport.statistics()).containsEntry(ReliableCounter.PROBES_SENT, 1L);
            assertThat(client.statistics()).containsEntry(Counter.UNEXPECTED, 0L);
        }
    }

    @Test
    void aServerToldToSpeakPlainDeclinesTheOfferAndFlowControlStillHolds() throws Exception {
        ReliableTransport serverTransport = ReliableTransport.builder(network.endpoint("server")).startPlain(peer -> true)
                .closeLinger(Duration.ZERO).build();
        ReliableTransport clientTransport = reliable("client", Duration.ofMillis(300));
        try (StreamManager server = StreamManager.open(serverTransport);
             StreamManager client = StreamManager.open(clientTransport)) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<StreamSocket> accepting = Async.run(serverSocket::accept);
            try (StreamSocket socket = client.connect(server.localDestination());
                 StreamSocket served = accepting.get(30, TimeUnit.SECONDS)) {
                served.getOutputStream().write(7);
                assertThat(socket.getInputStream().read()).isEqualTo(7);
                assertThat(socket.hasFlowControl()).isTrue();
            }
            assertThat(clientTransport.isPlain(server.localDestination())).isTrue();
            assertThat(serverTransport.isPlain(client.localDestination())).isTrue();
        }
    }

    @Test
    void aServerToldToStartPlainThatMissedTheProbeTakesTheFrameItStandsForAndMakesOneConnection() throws Exception {
        ReliableTransport serverTransport = ReliableTransport.builder(network.endpoint("server")).startPlain(peer -> true)
                .closeLinger(Duration.ZERO).build();
        AtomicBoolean probeLost = new AtomicBoolean();
        Transport losingTheProbe = new ForwardingTransport(network.endpoint("client")) {
            @Override
            public void send(Destination to, ByteBuffer message) throws IOException {
                if (message.get(message.position()) == (byte) 0xA1 && probeLost.compareAndSet(false, true)) {
                    return;
                }
                super.send(to, message);
            }
        };
        ReliableTransport clientTransport = ReliableTransport.builder(losingTheProbe).initialRto(Duration.ofMillis(300))
                .minRto(Duration.ofMillis(50)).closeLinger(Duration.ZERO).build();
        try (StreamManager server = StreamManager.open(serverTransport);
             StreamManager client = StreamManager.open(clientTransport)) {
            StreamServerSocket serverSocket = server.serverSocket();
            OneByteEcho.round(client, server, serverSocket, 7);
            assertThat(probeLost).isTrue();
            assertThat(serverTransport.isPlain(client.localDestination())).as("a frame before it sent anything: reliable").isFalse();
            assertThat(clientTransport.statistics()).containsEntry(ReliableCounter.PROBES_SENT, 1L);
            assertThatNoMoreIsAccepted(serverSocket);
        }
    }

    @Test
    void aConnectThatNobodyAnswersSaysSoAndWhatToTry() throws Exception {
        try (ScriptedPeer silent = new ScriptedPeer(network, "silent");
             StreamManager client = StreamManager.open(reliable("alice", Duration.ofMillis(300)),
                     StreamOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())) {
            assertThatThrownBy(() -> client.connect(silent.destination()))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageStartingWith("no answer from mem:silent within 1000 ms")
                    .hasMessageContaining("Check that the destination is right")
                    .hasMessageContaining("longer connect timeout");
        }
    }
}
