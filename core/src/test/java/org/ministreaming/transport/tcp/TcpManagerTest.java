package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.Async;
import org.ministreaming.Blocked;
import org.ministreaming.Counter;
import org.ministreaming.MessageListener;
import org.ministreaming.PeerLostException;
import org.ministreaming.RandomTransfers;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;

/** Two or more {@link StreamManager}s over TCP on loopback, and raw sockets misbehaving among them. */
class TcpManagerTest extends TcpFixture {

    private static final int CONNECTIONS = 20;
    private static final int MAX_BYTES = 1 << 20;
    private static final StreamOptions OPTIONS = RandomTransfers.options(CONNECTIONS);

    @Test
    void twentyConcurrentConnectionsMoveRandomDataBothWaysIntact() throws Exception {
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).build(), OPTIONS));
        StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().build(), OPTIONS));

        RandomTransfers.run(server, client, CONNECTIONS, MAX_BYTES);
        server.close();
        client.close();
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aSecondLinkGuessingTheFirstLinksIdsLandsNothing() throws Exception {
        Queue<ConnectionId> serverIds = new ConcurrentLinkedQueue<>();
        Set<Destination> heardFrom = ConcurrentHashMap.newKeySet();
        StreamOptions watched = StreamOptions.builder().readTimeout(Duration.ofSeconds(10)).messageListener(new MessageListener() {
            @Override
            public void sent(Destination to, Packet packet) {
                if (packet instanceof Message message && message.type() == MessageType.ACK) {
                    serverIds.add(message.ackedServerId());
                }
            }

            @Override
            public void received(Destination from, Packet packet) {
                heardFrom.add(from);
            }
        }).build();
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).build(), watched));
        StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).build(), OPTIONS));
        StreamServerSocket serverSocket = server.serverSocket();
        List<StreamSocket[]> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(server.localDestination()));
            StreamSocket accepted = serverSocket.accept(Duration.ofSeconds(5));
            pairs.add(new StreamSocket[] {connecting.get(5, TimeUnit.SECONDS), accepted});
        }
        for (StreamSocket[] pair : pairs) {
            pair[0].getOutputStream().write("first half, ".getBytes(US_ASCII));
        }
        long unknownBefore = server.statistics().get(Counter.UNKNOWN_CONNECTION);

        RawPeer guesser = rawConnect(server.localDestination());
        guesser.readFrame();
        guesser.hello(client.localDestination().uri());
        for (ConnectionId id : serverIds) {
            guesser.frame(message(0xA0, id, "forged data"));
            guesser.frame(message(0xA2, id, ""));
        }
        Await.until(() -> "six messages dropped as UNKNOWN_CONNECTION; counters " + server.statistics(),
                () -> server.statistics().get(Counter.UNKNOWN_CONNECTION) == unknownBefore + 6);

        assertThat(heardFrom).containsExactlyInAnyOrder(client.localDestination(), guesser.anonymousName());
        for (StreamSocket[] pair : pairs) {
            pair[0].getOutputStream().write("second half".getBytes(US_ASCII));
            assertThat(new String(pair[1].getInputStream().readNBytes(23), US_ASCII)).isEqualTo("first half, second half");
            pair[1].getOutputStream().write("intact".getBytes(US_ASCII));
            assertThat(new String(pair[0].getInputStream().readNBytes(6), US_ASCII)).isEqualTo("intact");
            assertThat(pair[1].isClosed()).isFalse();
            assertThat(pair[1].getInputStream().available()).isZero();
        }
    }

    @Test
    void killingAPeersSocketFailsItsBlockedReadsAndWritesAndSparesOtherPeers() throws Exception {
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(64 * 1024).build(), OPTIONS));
        StreamManager other = closeLater(StreamManager.open(TcpTransport.plain().build(), OPTIONS));
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> otherConnecting = Async.run(() -> other.connect(server.localDestination()));
        StreamSocket otherAccepted = serverSocket.accept(Duration.ofSeconds(5));
        StreamSocket otherSocket = otherConnecting.get(5, TimeUnit.SECONDS);

        RawPeer peer = rawConnect(server.localDestination());
        peer.readFrame();
        peer.hello("-").frame(message(0xA1, new ConnectionId(7), "tcp:-"));
        StreamSocket accepted = serverSocket.accept(Duration.ofSeconds(5));
        byte[] ack = peer.readFrame();
        assertThat(ack).hasSize(7).startsWith(0x51, 0, 0, 7);
        ConnectionId serverId = new ConnectionId(ConnectionId.readRaw(ack, 4));
        peer.frame(message(0xA0, serverId, "halfway"));
        assertThat(new String(accepted.getInputStream().readNBytes(7), US_ASCII)).isEqualTo("halfway");

        Async.Running<Integer> blockedRead = Async.run(() -> accepted.getInputStream().read());
        Async.Running<Void> blockedWrite = Async.run(() -> {
            byte[] chunk = new byte[32 * 1024];
            while (true) {
                accepted.getOutputStream().write(chunk);
            }
        });
        Blocked.inRead(blockedRead.thread());
        Blocked.inTcpSend(blockedWrite.thread());

        peer.kill();
        // No timeout is set (OPTIONS has none): only the news of the lost link can end these calls.
        assertThat(blockedRead).failsWithin(Await.LIMIT)
                .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(IOException.class);
        assertThat(blockedWrite).failsWithin(Await.LIMIT)
                .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(IOException.class);

        otherSocket.getOutputStream().write("still here".getBytes(US_ASCII));
        assertThat(new String(otherAccepted.getInputStream().readNBytes(10), US_ASCII)).isEqualTo("still here");
        CompletableFuture<StreamSocket> again = Async.run(() -> other.connect(server.localDestination()));
        StreamSocket fresh = serverSocket.accept(Duration.ofSeconds(5));
        again.get(5, TimeUnit.SECONDS).getOutputStream().write(1);
        assertThat(fresh.getInputStream().read()).isEqualTo(1);
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"tcp", "tls"})
    void closingAManagerClosesItsConnectionsOnTheWireBeforeTheLinkEnds(String scheme) throws Exception {
        TcpTransport serverTransport = scheme.equals("tls")
                ? TcpTransport.tls().listen("tls://127.0.0.1:0").build() : TcpTransport.plain().listen(LOOPBACK).build();
        StreamManager server = closeLater(StreamManager.open(serverTransport, OPTIONS));
        TcpTransportBuilder clientBuilder = scheme.equals("tls")
                ? TcpTransport.tls().pin(serverTransport.certificateFingerprint().orElseThrow()) : TcpTransport.plain();
        StreamManager client = closeLater(StreamManager.open(clientBuilder.build(), OPTIONS));
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(server.localDestination()));
        StreamSocket accepted = serverSocket.accept(Duration.ofSeconds(5));
        StreamSocket socket = connecting.get(5, TimeUnit.SECONDS);
        socket.getOutputStream().write("last words".getBytes(US_ASCII));

        client.close();
        InputStream in = accepted.getInputStream();
        assertThat(new String(in.readNBytes(10), US_ASCII)).isEqualTo("last words");
        assertThat(in.read()).as("a clean end of stream, not a lost link").isEqualTo(-1);
    }

    /**
     * A dialled peer that takes the SYN and answers in another protocol: the link fails after the
     * SYN went out, and connect says so as it does when the link fails as the SYN goes out (the
     * engine's {@code Failures.synNotSent}, in TypedErrorsTest): the transport's own reason, once.
     */
    @Test
    void aDialledPeerThatAnswersTheSynInAnotherProtocolIsALostPeerNamedOnceWithTheTransportsReason() throws Exception {
        ServerSocket http = rawServer();
        Destination peer = destinationOf(http);
        StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().build(), OPTIONS));
        CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(peer));
        RawPeer dialled = new RawPeer(http.accept());
        assertThat(dialled.readText()).startsWith("MINISTREAMING/1 ");
        assertThat(dialled.readFrame()[0] & 0xFF).as("the SYN's type").isEqualTo(MessageType.SYN.code());

        dialled.raw("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(US_ASCII));

        assertThat(connecting).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isExactlyInstanceOf(PeerLostException.class)
                .withMessage("lost the link to " + peer + ": bad frame length 0x48545450 (1213486160); a frame holds 1 to 65536 bytes:"
                        + " not a ministreaming peer? its bytes read 'HTTP'");
    }

    private static byte[] message(int type, ConnectionId id, String payload) {
        byte[] text = payload.getBytes(US_ASCII);
        byte[] bytes = new byte[4 + text.length];
        bytes[0] = (byte) type;
        id.writeTo(bytes, 1);
        System.arraycopy(text, 0, bytes, 4, text.length);
        return bytes;
    }

}
