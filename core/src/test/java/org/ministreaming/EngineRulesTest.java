package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.Message;

/** One test per rule the engine keeps, each against a scripted peer. */
@Timeout(60)
class EngineRulesTest {

    private static final String PEER_SYN_PAYLOAD = "6D 65 6D 3A 70 65 65 72"; // "mem:peer"
    private static final Duration SHORT = Duration.ofMillis(200);

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager manager;
    private ScriptedPeer peer;

    private Destination start(StreamOptions.Builder options) throws Exception {
        manager = StreamManager.open(network.endpoint("server"), options.random(new Random(3)).build());
        peer = new ScriptedPeer(network, "peer");
        return manager.localDestination();
    }

    /** Every test ends with no handler having thrown: a rule that counts and then throws fails here. */
    @AfterEach
    void stop() {
        long internalErrors = manager == null ? 0 : count(Counter.INTERNAL_ERROR);
        if (manager != null) {
            manager.close();
        }
        if (peer != null) {
            peer.close();
        }
        assertThat(internalErrors).as("INTERNAL_ERROR (a handler threw)").isZero();
    }

    private long count(Counter counter) {
        return manager.statistics().get(counter);
    }

    /** Opens a connection from the scripted peer and returns the accepted socket and server id. */
    private record Opened(StreamSocket socket, String serverId) {
    }

    private Opened open(StreamServerSocket serverSocket, String clientId) throws Exception {
        peer.send(manager.localDestination(), "C->S A1 " + clientId + " " + PEER_SYN_PAYLOAD);
        StreamSocket socket = serverSocket.accept(ScriptedPeer.WAIT);
        Message ack = peer.expectMessage();
        assertThat(ack.id().toString()).isEqualTo(clientId);
        return new Opened(socket, ack.ackedServerId().toString());
    }

    @Test
    void duplicateSynIsAnsweredWithTheSameAckAndNoSecondConnection() throws Exception {
        Destination server = start(StreamOptions.builder());
        StreamServerSocket serverSocket = manager.serverSocket();
        Opened opened = open(serverSocket, "12 34 56");

        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("51 12 34 56 " + opened.serverId());
        assertThat(count(Counter.DUPLICATE_SYN)).isEqualTo(1);
        assertThatThrownBy(() -> serverSocket.accept(SHORT)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void duplicateSynWhileWaitingForAcceptQueuesOneConnection() throws Exception {
        Destination server = start(StreamOptions.builder());
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);
        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);
        peer.sync(server);

        serverSocket.accept(ScriptedPeer.WAIT);

        assertThat(ScriptedPeer.hex(peer.expect())).startsWith("51 12 34 56 ");
        assertThat(count(Counter.DUPLICATE_SYN)).isEqualTo(1);
        assertThatThrownBy(() -> serverSocket.accept(SHORT)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void synIsRefusedWithFourByteCloseWhenNoServerSocketExists() throws Exception {
        Destination server = start(StreamOptions.builder());

        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
        assertThat(count(Counter.SYN_REFUSED)).isEqualTo(1);
    }

    @Test
    void synIsRefusedAfterTheServerSocketIsClosed() throws Exception {
        Destination server = start(StreamOptions.builder());
        manager.serverSocket().close();

        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
    }

    @Test
    void connectionNotAcceptedInTimeIsRefusedWithFourByteClose() throws Exception {
        Destination server = start(StreamOptions.builder().acceptTimeout(SHORT));
        StreamServerSocket serverSocket = manager.serverSocket();

        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
        assertThat(count(Counter.ACCEPT_TIMEOUT)).isEqualTo(1);
        assertThatThrownBy(() -> serverSocket.accept(SHORT)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void synBeyondTheBacklogIsRefusedAndTheQueuedOneStillAccepted() throws Exception {
        Destination server = start(StreamOptions.builder().acceptBacklog(1));
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(server, "C->S A1 11 11 11 " + PEER_SYN_PAYLOAD);
        peer.send(server, "C->S A1 22 22 22 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 22 22 22");
        serverSocket.accept(ScriptedPeer.WAIT);
        assertThat(ScriptedPeer.hex(peer.expect())).startsWith("51 11 11 11 ");
        assertThat(count(Counter.SYN_REFUSED)).isEqualTo(1);
    }

    @Test
    void connectionLostWhileWaitingForAcceptFreesItsBacklogPlace() throws Exception {
        Destination server = start(StreamOptions.builder().acceptBacklog(1));
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(server, "C->S A1 11 11 11 " + PEER_SYN_PAYLOAD);
        peer.sync(server);
        network.cut(server, peer.destination());
        network.restore(server, peer.destination());

        try (ScriptedPeer other = new ScriptedPeer(network, "other")) {
            other.send(server, "C->S A1 22 22 22 6D 65 6D 3A 6F 74 68 65 72");
            other.sync(server); // the news of the cut came before, in the same inbox
            assertThat(serverSocket.accept(ScriptedPeer.WAIT).peer()).isEqualTo(other.destination());
            assertThat(ScriptedPeer.hex(other.expect())).startsWith("51 22 22 22 ");
        }
        assertThat(count(Counter.SYN_REFUSED)).isZero();
    }

    @Test
    void ackArrivingAfterTheClientGaveUpIsAnsweredWithClose() throws Exception {
        manager = StreamManager.open(network.endpoint("client"),
                StreamOptions.builder().connectTimeout(SHORT).build());
        peer = new ScriptedPeer(network, "peer");

        assertThatThrownBy(() -> manager.connect(peer.destination())).isInstanceOf(SocketTimeoutException.class);
        Message syn = peer.expectMessage();
        peer.send(manager.localDestination(), "S->C 51 " + syn.id() + " 98 76 54");

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("A2 98 76 54");
        assertThat(count(Counter.LATE_ACK)).isEqualTo(1);
    }

    @Test
    void secondAckWithAnotherServerIdIsClosedSoNoServerConnectionDangles() throws Exception {
        manager = StreamManager.open(network.endpoint("client"), StreamOptions.builder().build());
        peer = new ScriptedPeer(network, "peer");
        CompletableFuture<StreamSocket> connect = Async.run(() -> manager.connect(peer.destination()));
        Message syn = peer.expectMessage();
        peer.send(manager.localDestination(), "S->C 51 " + syn.id() + " 98 76 54");
        StreamSocket socket = connect.get(5, TimeUnit.SECONDS);

        peer.send(manager.localDestination(), "S->C 51 " + syn.id() + " 98 76 54");
        peer.send(manager.localDestination(), "S->C 51 " + syn.id() + " 12 12 12");

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("A2 12 12 12");
        assertThat(count(Counter.UNEXPECTED)).isEqualTo(2);
        assertThat(socket.isClosed()).isFalse();
    }

    @Test
    void connectionsWaitingWhenTheServerSocketClosesAreRefused() throws Exception {
        Destination server = start(StreamOptions.builder());
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(server, "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);
        peer.sync(server);

        serverSocket.close();

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
        assertThat(count(Counter.SYN_REFUSED)).isEqualTo(1);
    }

    @Test
    void messageForAnUnknownIdIsDroppedAndCounted() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");
        String unknown = opened.serverId().equals("00 00 01") ? "00 00 02" : "00 00 01";

        peer.send(server, "C->S A0 " + unknown + " 66 61 6B 65");
        peer.send(server, "C->S A2 " + unknown);
        peer.send(server, "C->S A0 " + opened.serverId() + " 72 65 61 6C");

        assertThat(opened.socket().getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("real");
        peer.sync(server);
        assertThat(count(Counter.UNKNOWN_CONNECTION)).isEqualTo(2);
        assertThat(opened.socket().isClosed()).isFalse();
    }

    @Test
    void unknownTypesAndChaffHarmNoConnection() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");
        String sid = opened.serverId();

        peer.send(server, "C->S A5 " + sid + " 01 02");    // reserved client->server type
        peer.send(server, "C->S AF " + sid);
        peer.send(server, "S->C 5F 12 34 56");             // reserved server->client type
        peer.send(server, new byte[] {0x00, 0x12, 0x34, 0x56});  // outside both ranges
        peer.send(server, "*->* FF");                      // the original's ping
        peer.send(server, "*->* FF " + sid + " 00");        // chaff that looks like a header
        peer.send(server, "C->S A0 " + sid + " 6F 6B");

        assertThat(opened.socket().getInputStream().readNBytes(2)).asString(StandardCharsets.US_ASCII).isEqualTo("ok");
        peer.sync(server);
        assertThat(count(Counter.UNKNOWN_TYPE)).isEqualTo(4);
        assertThat(count(Counter.CHAFF)).isEqualTo(2);
        assertThat(opened.socket().isClosed()).isFalse();
    }

    @Test
    void chaffOfEveryLengthHarmsNothing() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");

        for (int length = 1; length <= 100; length++) {
            byte[] chaff = new byte[length];
            new Random(length).nextBytes(chaff);
            chaff[0] = (byte) 0xFF;
            peer.send(server, chaff);
        }
        peer.send(server, "C->S A0 " + opened.serverId() + " 6F 6B");

        assertThat(opened.socket().getInputStream().readNBytes(2)).asString(StandardCharsets.US_ASCII).isEqualTo("ok");
        assertThat(count(Counter.CHAFF)).isEqualTo(100);
    }

    @Test
    void aSynWithAGarbageDestinationIsAnsweredToItsSender() throws Exception {
        Destination server = start(StreamOptions.builder());
        StreamServerSocket serverSocket = manager.serverSocket();

        peer.send(server, "C->S A1 12 34 56 00 FF 13 37 C0 DE");
        StreamSocket socket = serverSocket.accept(ScriptedPeer.WAIT);

        assertThat(socket.peer()).isEqualTo(peer.destination());
        assertThat(ScriptedPeer.hex(peer.expect())).startsWith("51 12 34 56 ");
    }

    @Test
    void dataAndClosesAfterTheCloseLandNowhere() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");
        peer.send(server, "C->S A2 " + opened.serverId());
        assertThat(opened.socket().getInputStream().read()).isEqualTo(-1);

        peer.send(server, "C->S A0 " + opened.serverId() + " 6C 61 74 65");
        peer.send(server, "C->S A2 " + opened.serverId());
        peer.sync(server);

        assertThat(count(Counter.UNKNOWN_CONNECTION)).isEqualTo(2);
        assertThat(opened.socket().getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void malformedMessagesAreDroppedAndCounted() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");

        peer.send(server, new byte[0]);
        peer.send(server, new byte[] {(byte) 0xA0, 0x00});         // shorter than the header
        peer.send(server, "C->S A1 00 00 00 " + PEER_SYN_PAYLOAD); // id 0
        peer.send(server, "S->C 51 12 34 56");                     // the seed's typo: ACK without server id
        peer.send(server, "S->C 51 12 34 56 00 00 00");            // ACK naming server id 0
        peer.sync(server);

        assertThat(count(Counter.MALFORMED)).isEqualTo(5);
        assertThat(opened.socket().isClosed()).isFalse();
    }

    @Test
    void receiveBufferOverrunClosesOnlyThatConnection() throws Exception {
        Destination server = start(StreamOptions.builder().plainReceiveAllowance(1024));
        StreamServerSocket serverSocket = manager.serverSocket();
        Opened victim = open(serverSocket, "11 11 11");
        Opened bystander = open(serverSocket, "22 22 22");
        String sixHundredBytes = " 41".repeat(600);

        peer.send(server, "C->S A0 " + victim.serverId() + sixHundredBytes);
        peer.send(server, "C->S A0 " + victim.serverId() + sixHundredBytes);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 11 11 11");
        assertThat(count(Counter.OVERRUN)).isEqualTo(1);
        assertThat(victim.socket().getInputStream().readNBytes(600)).hasSize(600);
        assertThatThrownBy(() -> victim.socket().getInputStream().read())
                .isInstanceOf(IOException.class).hasMessageContaining("overrun").hasMessageContaining("plainReceiveAllowance");
        assertThatThrownBy(() -> victim.socket().getOutputStream().write(1)).isInstanceOf(IOException.class);

        peer.send(server, "C->S A0 " + bystander.serverId() + " 6F 6B");
        assertThat(bystander.socket().getInputStream().readNBytes(2)).asString(StandardCharsets.US_ASCII).isEqualTo("ok");
    }

    @Test
    void dataFromAThirdPeerWithAGuessedIdLandsNowhere() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");
        try (ScriptedPeer mallory = new ScriptedPeer(network, "mallory")) {
            mallory.send(server, "C->S A0 " + opened.serverId() + " 65 76 69 6C");
            mallory.send(server, "C->S A2 " + opened.serverId());
            mallory.sync(server);
        }
        peer.send(server, "C->S A0 " + opened.serverId() + " 67 6F 6F 64");

        assertThat(opened.socket().getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("good");
        assertThat(count(Counter.UNKNOWN_CONNECTION)).isEqualTo(2);
        assertThat(opened.socket().isClosed()).isFalse();
    }

    @Test
    void everyByteWrittenBeforeCloseLeavesBeforeTheClose() throws Exception {
        start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");
        byte[] data = new byte[3 * 32768 + 1696];
        new Random(1).nextBytes(data);

        opened.socket().getOutputStream().write(data);
        opened.socket().close();

        byte[] received = new byte[data.length];
        int at = 0;
        for (int expectedLength : new int[] {32768, 32768, 32768, 1696}) {
            Message message = peer.expectMessage();
            assertThat(ScriptedPeer.hex(message.toByteArray())).startsWith("50 12 34 56");
            assertThat(message.payloadLength()).isEqualTo(expectedLength);
            message.payload().get(received, at, expectedLength);
            at += expectedLength;
        }
        assertThat(received).isEqualTo(data);
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
    }

    @Test
    void closeWithPayloadIsHonoured() throws Exception {
        Destination server = start(StreamOptions.builder());
        Opened opened = open(manager.serverSocket(), "12 34 56");

        peer.send(server, "C->S A2 " + opened.serverId() + " 01 02 03");

        opened.socket().setReadTimeout(ScriptedPeer.WAIT);
        assertThat(opened.socket().getInputStream().read()).isEqualTo(-1);
        assertThat(opened.socket().isClosed()).isTrue();
    }
}
