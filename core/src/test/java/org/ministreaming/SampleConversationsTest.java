package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.Message;

/**
 * The seed's three sample conversations, with one side played by a script and the other by the
 * library, every message checked byte for byte. Ids the library draws are read from its
 * messages; ids the script chooses are the seed's.
 */
class SampleConversationsTest {

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager manager;
    private ScriptedPeer peer;

    private void start(String managerName) throws Exception {
        manager = StreamManager.open(network.endpoint(managerName),
                StreamOptions.builder().random(new Random(7)).connectTimeout(Duration.ofSeconds(5)).build());
        peer = new ScriptedPeer(network, "peer");
    }

    @AfterEach
    void stop() {
        manager.close();
        peer.close();
    }

    // The SYN payload is the client's destination, mem:peer, in UTF-8.
    private static final String PEER_DESTINATION = "6D 65 6D 3A 70 65 65 72";

    @Test
    void serviceNotAvailableIsRefusedWithFourByteClose() throws Exception {
        start("server");
        // a) C->S A1 12 34 56 key...   the server never opened a server socket
        peer.send(manager.localDestination(), "C->S A1 12 34 56 " + PEER_DESTINATION);
        // S->C 52 12 34 56: close for the client id, no payload
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
    }

    @Test
    void clientTakesAnyCloseBeforeTheAckAsRefusal() throws Exception {
        start("client");
        CompletableFuture<StreamSocket> connect = connectInBackground();
        Message syn = peer.expectMessage();
        // destination "mem:client", then the flow-control offer: "MSFC", version 1, window 256 KiB
        assertThat(ScriptedPeer.hex(syn.toByteArray()))
                .isEqualTo("A1 " + syn.id() + " 6D 65 6D 3A 63 6C 69 65 6E 74 4D 53 46 43 01 00 04 00 00");
        // the original's 7-byte form: 52 | client id | 3 random bytes
        peer.send(manager.localDestination(), "S->C 52 " + syn.id() + " 01 02 03");
        assertThatThrownBy(() -> connect.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void serverSendsDataAndClientClosesAsServer() throws Exception {
        start("server");
        StreamServerSocket serverSocket = manager.serverSocket();
        // b) C->S A1 23 45 67 key...
        peer.send(manager.localDestination(), "C->S A1 23 45 67 " + PEER_DESTINATION);
        StreamSocket accepted = serverSocket.accept(Duration.ofSeconds(5));
        // S->C 51 23 45 67 | server id (3 bytes): 7 bytes in all
        byte[] ack = peer.expect();
        assertThat(ack).hasSize(7);
        assertThat(ScriptedPeer.hex(ack)).startsWith("51 23 45 67 ");
        String serverId = ScriptedPeer.hex(ack).substring("51 23 45 67 ".length());
        // S->C 50 23 45 67 data
        accepted.getOutputStream().write("data".getBytes(StandardCharsets.US_ASCII));
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("50 23 45 67 64 61 74 61");
        // C->S A2 | server id
        peer.send(manager.localDestination(), "C->S A2 " + serverId);
        assertThat(accepted.getInputStream().read()).isEqualTo(-1);
        assertThatThrownBy(() -> accepted.getOutputStream().write(1)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void serverSendsDataAndClientClosesAsClient() throws Exception {
        start("client");
        CompletableFuture<StreamSocket> connect = connectInBackground();
        Message syn = peer.expectMessage();
        String clientId = syn.id().toString();
        peer.send(manager.localDestination(), "S->C 51 " + clientId + " 98 76 54");
        StreamSocket socket = connect.get(5, TimeUnit.SECONDS);
        peer.send(manager.localDestination(), "S->C 50 " + clientId + " 64 61 74 61");
        assertThat(socket.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("data");
        socket.close();
        // C->S A2 98 76 54: close for the server id, 4 bytes
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("A2 98 76 54");
    }

    @Test
    void clientSendsFirstAndServerAnswersTwiceThenClosesAsClient() throws Exception {
        start("client");
        CompletableFuture<StreamSocket> connect = connectInBackground();
        // c) C->S A1 | client id | destination
        Message syn = peer.expectMessage();
        String clientId = syn.id().toString();
        // S->C 51 | client id | FF FF FF
        peer.send(manager.localDestination(), "S->C 51 " + clientId + " FF FF FF");
        StreamSocket socket = connect.get(5, TimeUnit.SECONDS);
        socket.getOutputStream().write("GET /".getBytes(StandardCharsets.US_ASCII));
        // C->S A0 FF FF FF data
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("A0 FF FF FF 47 45 54 20 2F");
        // S->C 50 | client id | data, twice, then the close: 52, not the seed's 51
        peer.send(manager.localDestination(), "S->C 50 " + clientId + " 4F 4B");
        peer.send(manager.localDestination(), "S->C 50 " + clientId + " 21");
        peer.send(manager.localDestination(), "S->C 52 " + clientId);
        InputStream in = socket.getInputStream();
        assertThat(in.readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("OK!");
        socket.close();
        peer.sync(manager.localDestination());
    }

    @Test
    void clientSendsFirstAndServerAnswersTwiceThenClosesAsServer() throws Exception {
        start("server");
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(manager.localDestination(), "C->S A1 11 11 11 " + PEER_DESTINATION);
        StreamSocket accepted = serverSocket.accept(Duration.ofSeconds(5));
        Message ack = peer.expectMessage();
        String serverId = ack.ackedServerId().toString();
        assertThat(ScriptedPeer.hex(ack.toByteArray())).isEqualTo("51 11 11 11 " + serverId);
        peer.send(manager.localDestination(), "C->S A0 " + serverId + " 47 45 54");
        assertThat(accepted.getInputStream().readNBytes(3)).asString(StandardCharsets.US_ASCII).isEqualTo("GET");
        accepted.getOutputStream().write("OK".getBytes(StandardCharsets.US_ASCII));
        accepted.getOutputStream().write("!".getBytes(StandardCharsets.US_ASCII));
        accepted.close();
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("50 11 11 11 4F 4B");
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("50 11 11 11 21");
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 11 11 11");
    }

    private CompletableFuture<StreamSocket> connectInBackground() {
        return Async.run(() -> manager.connect(peer.destination()));
    }
}
