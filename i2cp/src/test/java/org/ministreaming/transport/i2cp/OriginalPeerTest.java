package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * Our endpoints in their default (reliable) mode against a peer that speaks as the original did
 * over I2CP: raw messages, protocol 0, the SYN carrying its destination.
 */
@ExtendWith(SharedRouter.class)
class OriginalPeerTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    @Test
    void ourServerAnswersAnOriginalClientInPlain(I2pRouter router) throws Exception {
        I2pKeys serverKeys = I2pKeys.generate();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).keys(serverKeys).build());
             RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1))) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<String> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(30))) {
                    String request = new String(socket.getInputStream().readNBytes(3), StandardCharsets.US_ASCII);
                    socket.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                    return request;
                }
            });

            original.send(serverKeys, concat(HEX.parseHex("A1123456"), original.keys().destinationBytes()), 0);
            RawSession.Received ack = original.next();
            assertThat(ack.protocol()).isZero();
            assertThat(ack.bytes()).hasSize(7);
            assertThat(HEX.formatHex(ack.bytes(), 0, 4)).isEqualTo("51123456");
            byte[] serverId = Arrays.copyOfRange(ack.bytes(), 4, 7);
            original.send(serverKeys, concat(concat(HEX.parseHex("A0"), serverId), "GET".getBytes(StandardCharsets.US_ASCII)), 0);

            assertThat(served.get(60, TimeUnit.SECONDS)).isEqualTo("GET");
            assertThat(HEX.formatHex(original.next().bytes())).isEqualTo("50123456" + HEX.formatHex("pong".getBytes(StandardCharsets.US_ASCII)));
            assertThat(HEX.formatHex(original.next().bytes())).as("the server's close").isEqualTo("52123456");
        }
    }

    @Test
    void ourClientReachesAnOriginalServerNamedPlain(I2pRouter router) throws Exception {
        try (RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1));
             StreamManager client = StreamManager.open(Endpoints.on(router).plainPeers(peer -> true).build())) {
            CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(original.keys().destination()));

            RawSession.Received syn = original.next();
            assertThat(syn.protocol()).isZero();
            assertThat(HEX.formatHex(syn.bytes(), 0, 1)).isEqualTo("A1");
            byte[] clientId = Arrays.copyOfRange(syn.bytes(), 1, 4);
            net.i2p.data.Destination clientDestination = I2pDestinations.read(syn.bytes(), 4);
            assertThat(I2pDestinations.toUri(clientDestination)).isEqualTo(client.localDestination());
            original.send(clientDestination, concat(concat(HEX.parseHex("51"), clientId), HEX.parseHex("987654")), 0);
            original.send(clientDestination, concat(concat(HEX.parseHex("50"), clientId), "hi".getBytes(StandardCharsets.US_ASCII)), 0);

            try (StreamSocket socket = connecting.get(60, TimeUnit.SECONDS)) {
                assertThat(socket.getInputStream().readNBytes(2)).asString(StandardCharsets.US_ASCII).isEqualTo("hi");
                socket.getOutputStream().write('!');
                RawSession.Received data = original.next();
                assertThat(data.protocol()).isZero();
                assertThat(HEX.formatHex(data.bytes())).isEqualTo("A0987654" + "21");
            }
            assertThat(HEX.formatHex(original.next().bytes())).as("the client's close").isEqualTo("A2987654");
        }
    }

    @Test
    void ourClientInItsDefaultModeReachesAnOriginalServerWithoutASetting(I2pRouter router) throws Exception {
        Transport transport = Endpoints.on(router).build();
        try (RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1));
             StreamManager client = StreamManager.open(transport)) {
            CompletableFuture<StreamSocket> connecting = Async.run(() -> client.connect(original.keys().destination()));

            RawSession.Received syn = original.next();
            assertThat(syn.protocol()).as("a plain message, as the original expects").isZero();
            assertThat(HEX.formatHex(syn.bytes(), 0, 1)).isEqualTo("A1");
            byte[] clientId = Arrays.copyOfRange(syn.bytes(), 1, 4);
            net.i2p.data.Destination clientDestination = I2pDestinations.read(syn.bytes(), 4);
            assertThat(I2pDestinations.toUri(clientDestination)).as("the destination the original reads").isEqualTo(client.localDestination());
            original.send(clientDestination, concat(concat(HEX.parseHex("51"), clientId), HEX.parseHex("987654")), 0);
            original.send(clientDestination, concat(concat(HEX.parseHex("50"), clientId), "hi".getBytes(StandardCharsets.US_ASCII)), 0);

            try (StreamSocket socket = connecting.get(60, TimeUnit.SECONDS)) {
                assertThat(socket.getInputStream().readNBytes(2)).asString(StandardCharsets.US_ASCII).isEqualTo("hi");
                assertThat(socket.hasFlowControl()).isFalse();
                socket.getOutputStream().write('!');
                RawSession.Received data = original.next();
                assertThat(data.protocol()).isZero();
                assertThat(HEX.formatHex(data.bytes())).isEqualTo("A0987654" + "21");
            }
            assertThat(HEX.formatHex(original.next().bytes())).as("the client's close").isEqualTo("A2987654");
            assertThat(((ReliableTransport) transport).isPlain(original.keys().destination())).isTrue();
        }
    }

    @Test
    void ourClientInItsDefaultModeKeepsReliabilityAndFlowControlWithOurServer(I2pRouter router) throws Exception {
        ReliableTransport serverTransport = (ReliableTransport) Endpoints.on(router).build();
        ReliableTransport clientTransport = (ReliableTransport) Endpoints.on(router).build();
        try (StreamManager server = StreamManager.open(serverTransport);
             StreamManager client = StreamManager.open(clientTransport)) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<Boolean> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(30))) {
                    socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    return socket.hasFlowControl();
                }
            });
            try (StreamSocket socket = client.connect(server.localDestination())) {
                assertThat(socket.getInputStream().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
                assertThat(socket.hasFlowControl()).isTrue();
            }
            assertThat(served.get(60, TimeUnit.SECONDS)).as("flow control at the server").isTrue();
            assertThat(clientTransport.isPlain(server.localDestination())).isFalse();
            assertThat(serverTransport.isPlain(client.localDestination())).isFalse();
            assertThat(serverTransport.statistics().get(ReliableCounter.PROBES_RECEIVED)).isPositive();
            assertThat(serverTransport.statistics().get(ReliableCounter.MESSAGES_DELIVERED)).as("frames after the probe").isPositive();
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
