package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * The credit extension on the wire, against a scripted peer that speaks it or not: the offer
 * and answer, fallback to the plain protocol, violations, pings and the idle timeout.
 */
@Timeout(60)
class ExtensionRulesTest {

    private static final String PEER = "6D 65 6D 3A 70 65 65 72";           // "mem:peer"
    private static final String OFFER_1024 = "4D 53 46 43 01 00 00 04 00"; // "MSFC", version 1, window 1024

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager manager;
    private ScriptedPeer peer;

    private Destination start(String name, StreamOptions.Builder options) throws IOException {
        manager = StreamManager.open(network.endpoint(name), options.build());
        peer = new ScriptedPeer(network, "peer");
        return manager.localDestination();
    }

    /** Every test ends with no handler having thrown: a rule that counts and then throws fails here. */
    @AfterEach
    void stop() {
        long internalErrors = count(Counter.INTERNAL_ERROR);
        manager.close();
        peer.close();
        assertThat(internalErrors).as("INTERNAL_ERROR (a handler threw)").isZero();
    }

    private long count(Counter counter) {
        return manager.statistics().get(counter);
    }

    /** The scripted peer opens a connection, offering the extension or not; returns the ACK. */
    private Message open(StreamServerSocket serverSocket, String clientId, boolean offer) throws Exception {
        peer.send(manager.localDestination(), "C->S A1 " + clientId + " " + PEER + (offer ? " " + OFFER_1024 : ""));
        serverSocket.accept(ScriptedPeer.WAIT);
        return peer.expectMessage();
    }

    @Test
    void anOfferIsAnsweredWithAnAckCarryingTheServersWindow() throws Exception {
        start("server", StreamOptions.builder().receiveBufferSize(4096));

        Message ack = open(manager.serverSocket(), "12 34 56", true);

        // 51 | client id | server id | "MSFC" | version 1 | window 4096
        assertThat(ScriptedPeer.hex(ack.toByteArray()))
                .isEqualTo("51 12 34 56 " + ack.ackedServerId() + " 4D 53 46 43 01 00 00 10 00");
    }

    @Test
    void aPlainSynGetsThePlainSevenByteAck() throws Exception {
        start("server", StreamOptions.builder());

        Message ack = open(manager.serverSocket(), "12 34 56", false);

        assertThat(ack.toByteArray()).hasSize(7);
    }

    @Test
    void aServerWithFlowControlOffAnswersAnOfferWithThePlainAck() throws Exception {
        start("server", StreamOptions.builder().flowControl(false));

        Message ack = open(manager.serverSocket(), "12 34 56", true);

        assertThat(ack.toByteArray()).hasSize(7);
    }

    @Test
    void aClientFallsBackToThePlainProtocolOnASevenByteAckAndNeverSendsCredit() throws Exception {
        start("client", StreamOptions.builder());
        CompletableFuture<StreamSocket> connect = Async.run(() -> manager.connect(peer.destination()));
        Message syn = peer.expectMessage();
        peer.send(manager.localDestination(), "S->C 51 " + syn.id() + " 98 76 54");
        StreamSocket socket = connect.get(5, TimeUnit.SECONDS);
        String hundredBytes = " 41".repeat(100);

        for (int i = 0; i < 1000; i++) {
            peer.send(manager.localDestination(), "S->C 50 " + syn.id() + hundredBytes);
        }
        assertThat(socket.getInputStream().readNBytes(100_000)).hasSize(100_000);

        assertThat(socket.hasFlowControl()).isFalse();
        peer.sync(manager.localDestination()); // the next message is the sync's answer, not credit
    }

    @Test
    void creditBeyondTwoToThe31MinusOneIsAViolationThatClosesTheConnection() throws Exception {
        Destination server = start("server", StreamOptions.builder());
        Message ack = open(manager.serverSocket(), "12 34 56", true);

        // the client offered 1024 and has sent nothing: the server holds 1024 bytes of credit, and
        // 2^31 - 1024 more would take it to 2^31, one byte beyond what a sender may hold
        peer.send(server, "C->S A3 " + ack.ackedServerId() + " 7F FF FC 00");

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
        assertThat(count(Counter.CREDIT_VIOLATION)).isEqualTo(1);
    }

    @Test
    void creditBeyondThePeersFirstWindowIsItsWindowGrowingAndLetsTheWriterSendMore() throws Exception {
        Destination server = start("server", StreamOptions.builder());
        StreamSocket socket = serverSocketAccepting("12 34 56");
        Message ack = peer.expectMessage();

        // the client offered 1024; it grants 1023 more before reading anything: its window is now 2047
        peer.send(server, "C->S A3 " + ack.ackedServerId() + " 00 00 03 FF");
        peer.sync(server);
        socket.getOutputStream().write(new byte[2047]);

        Message first = peer.expectMessage();
        assertThat(first.payload().remaining()).isEqualTo(2047);
        assertThat(count(Counter.CREDIT_VIOLATION)).isZero();
    }

    /** The scripted peer opens a connection offering a 1024-byte window; returns the server's socket. */
    private StreamSocket serverSocketAccepting(String clientId) throws Exception {
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(manager.localDestination(), "C->S A1 " + clientId + " " + PEER + " " + OFFER_1024);
        return serverSocket.accept(ScriptedPeer.WAIT);
    }

    @Test
    void dataBeyondTheCreditGivenIsAViolationThatClosesTheConnection() throws Exception {
        Destination server = start("server", StreamOptions.builder().receiveBufferSize(1024));
        StreamServerSocket serverSocket = manager.serverSocket();
        Message ack = open(serverSocket, "12 34 56", true);
        Message other = open(serverSocket, "65 43 21", true);

        peer.send(server, "C->S A0 " + ack.ackedServerId() + " 41".repeat(1000));
        peer.send(server, "C->S A0 " + ack.ackedServerId() + " 41".repeat(25));

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
        assertThat(count(Counter.CREDIT_VIOLATION)).isEqualTo(1);
        assertThat(count(Counter.OVERRUN)).isZero();
        peer.send(server, "C->S A0 " + other.ackedServerId() + " 42");
        peer.sync(server);
        assertThat(count(Counter.UNKNOWN_CONNECTION)).isZero();
    }

    @Test
    void creditOnAPlainConnectionIsIgnoredAndCounted() throws Exception {
        Destination server = start("server", StreamOptions.builder());
        Message ack = open(manager.serverSocket(), "12 34 56", false);

        peer.send(server, "C->S A3 " + ack.ackedServerId() + " 00 00 10 00");
        peer.sync(server);

        assertThat(count(Counter.EXTENSION_ON_PLAIN)).isEqualTo(1);
    }

    @Test
    void malformedExtensionMessagesAreDroppedAndCounted() throws Exception {
        Destination server = start("server", StreamOptions.builder());
        Message ack = open(manager.serverSocket(), "12 34 56", true);

        peer.send(server, "C->S A3 " + ack.ackedServerId() + " 00 00 00 00");       // increment 0
        peer.send(server, "C->S A3 " + ack.ackedServerId() + " 80 00 00 00");       // negative
        peer.send(server, "C->S A3 " + ack.ackedServerId() + " 00 10");             // too short
        peer.send(server, "C->S A4 12 12 12 01 02 03 04 05 06 07");                 // 7-byte token
        peer.send(server, "S->C 51 0F 0F 0F 0E 0E 0E 4D 53 46 43 02 00 00 04 00"); // trailer version 2
        peer.sync(server);

        assertThat(count(Counter.MALFORMED)).isEqualTo(5);
    }

    @Test
    void aPingIsAnsweredWithAPongEchoingItsIdAndToken() throws Exception {
        Destination server = start("server", StreamOptions.builder());

        peer.send(server, "C->S A4 12 34 56 01 02 03 04 05 06 07 08");

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("54 12 34 56 01 02 03 04 05 06 07 08");
        assertThat(count(Counter.PINGS_ANSWERED)).isEqualTo(1);
    }

    @Test
    void aPingToAPlainPeerIsTheOriginalOneByteChaff() throws Exception {
        start("server", StreamOptions.builder());

        assertThat(manager.ping(peer.destination(), Duration.ofSeconds(5))).isEmpty();

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("FF");
    }

    @Test
    void aPingThatGetsNoPongTimesOutAndALatePongIsIgnored() throws Exception {
        start("server", StreamOptions.builder());
        open(manager.serverSocket(), "12 34 56", true);

        assertThatThrownBy(() -> manager.ping(peer.destination(), Duration.ofMillis(200)))
                .isInstanceOf(SocketTimeoutException.class);
        Message ping = peer.expectMessage();
        peer.send(manager.localDestination(), Message.pong(ping).toByteArray());
        peer.sync(manager.localDestination());

        assertThat(ScriptedPeer.hex(ping.toByteArray())).startsWith("A4 ").hasSize(3 * 12 - 1);
        assertThat(count(Counter.UNEXPECTED)).isEqualTo(1);
    }

    @Test
    void aPongForAPingNeverSentIsIgnoredAndCountedAndAWrongTokenAnswersNoPing() throws Exception {
        start("server", StreamOptions.builder());
        open(manager.serverSocket(), "12 34 56", true);

        peer.send(manager.localDestination(), Message.pong(Message.ping(new ConnectionId(0x777777), 42)).toByteArray());
        peer.sync(manager.localDestination());
        assertThat(count(Counter.UNEXPECTED)).as("a pong for a ping never sent").isEqualTo(1);

        CompletableFuture<java.util.Optional<Duration>> ping = Async.run(() -> manager.ping(peer.destination(), ScriptedPeer.WAIT));
        Message sent = peer.expectMessage();
        peer.send(manager.localDestination(), Message.pong(Message.ping(sent.id(), sent.token() + 1)).toByteArray());
        peer.sync(manager.localDestination());
        assertThat(count(Counter.UNEXPECTED)).as("a pong with the ping's id but another token").isEqualTo(2);
        assertThat(ping).as("the ping still waits for its own pong").isNotDone();

        peer.send(manager.localDestination(), Message.pong(sent).toByteArray());
        assertThat(ping.get(5, TimeUnit.SECONDS)).isPresent();
        assertThat(count(Counter.UNEXPECTED)).isEqualTo(2);
    }

    @Test
    void anInterruptedPingThrowsInterruptedIoExceptionAndKeepsTheFlag() throws Exception {
        start("server", StreamOptions.builder());
        open(manager.serverSocket(), "12 34 56", true);

        Blocked.assertInterruptedWhileBlocked(() -> manager.ping(peer.destination(), ScriptedPeer.WAIT), Blocked::inPing);
        assertThat(ScriptedPeer.hex(peer.expect())).startsWith("A4 ");
    }

    @Test
    void aPingAnsweredByTheScriptMeasuresTheRoundTrip() throws Exception {
        start("server", StreamOptions.builder());
        open(manager.serverSocket(), "12 34 56", true);
        CompletableFuture<java.util.Optional<Duration>> ping = Async.run(() -> manager.ping(peer.destination(), Duration.ofSeconds(5)));

        peer.send(manager.localDestination(), Message.pong(peer.expectMessage()).toByteArray());

        assertThat(ping.get(5, TimeUnit.SECONDS)).hasValueSatisfying(rtt -> assertThat(rtt).isPositive());
    }

    @Test
    void theIdleTimeoutClosesAConnectionToAPeerThatVanished() throws Exception {
        start("server", StreamOptions.builder().idleTimeout(Duration.ofMillis(200)));
        StreamServerSocket serverSocket = manager.serverSocket();
        peer.send(manager.localDestination(), "C->S A1 12 34 56 " + PEER);
        StreamSocket socket = serverSocket.accept(ScriptedPeer.WAIT);
        peer.expect();

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 12 34 56");
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(IOException.class).hasMessageContaining("idle");
        assertThat(count(Counter.IDLE_CLOSED)).isEqualTo(1);
    }
}
