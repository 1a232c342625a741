package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.LogCapture;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;

/** One named abuse test per limit: the offender is refused or closed, everyone else goes on. */
@Timeout(60)
class LimitsTest {

    private static final String PEER = "6D 65 6D 3A 70 65 65 72"; // "mem:peer"

    private final MemoryEndpoints endpoints = new MemoryEndpoints();

    private StreamManager manager(String name, StreamOptions.Builder options) throws IOException {
        return endpoints.manager(name, options);
    }

    private ScriptedPeer peer(String name) throws IOException {
        return endpoints.peer(name);
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    private static String syn(int clientId) {
        return "C->S A1 " + new ConnectionId(clientId) + " " + PEER;
    }

    @Test
    void aSynFloodFromOnePeerLeavesAnotherAbleToConnectAndTransfer() throws Exception {
        StreamManager server = manager("server", StreamOptions.builder());
        StreamServerSocket serverSocket = server.serverSocket();
        ScriptedPeer flooder = peer("flooder");
        CountDownLatch floodUnderWay = new CountDownLatch(1);
        CompletableFuture<Void> flood = Async.run(() -> {
            for (int id = 1; id <= 10_000; id++) {
                flooder.send(server.localDestination(), syn(id));
                if (id == 1000) {
                    floodUnderWay.countDown();
                }
            }
            return null;
        });
        assertThat(floodUnderWay.await(30, TimeUnit.SECONDS)).isTrue();
        // Nobody accepts yet: the flooder fills its half of the backlog (the SYN rate of 200 a
        // second admits more than that), and the next SYN it gets through the rate is refused.
        Await.until(() -> "a SYN refused for the peer's backlog share; counters " + server.statistics(),
                () -> server.statistics().get(Counter.REFUSED_PEER_BACKLOG) > 0);
        CompletableFuture<Void> acceptLoop = Async.run(() -> {
            while (true) {
                StreamSocket socket = serverSocket.accept();
                Async.run(() -> socket.getInputStream().transferTo(socket.getOutputStream()));
            }
        });

        StreamManager good = manager("good", StreamOptions.builder());
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        try (StreamSocket socket = good.connect(server.localDestination())) {
            CompletableFuture<byte[]> echoed = Async.run(() -> socket.getInputStream().readNBytes(data.length));
            socket.getOutputStream().write(data);
            assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        }

        flood.get(30, TimeUnit.SECONDS);
        flooder.syncCollecting(server.localDestination());
        assertThat(server.statistics().get(Counter.REFUSED_SYN_RATE)).isPositive();
        assertThat(server.statistics().get(Counter.INTERNAL_ERROR)).isZero();
        serverSocket.close();
        assertThatThrownBy(() -> acceptLoop.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class);
    }

    @Test
    void aPeerBeyondItsConnectionLimitIsRefusedAndOthersAreNot() throws Exception {
        StreamManager server = manager("server", StreamOptions.builder().maxConnectionsPerPeer(2));
        server.serverSocket();
        ScriptedPeer greedy = peer("peer");

        greedy.send(server.localDestination(), syn(1));
        greedy.send(server.localDestination(), syn(2));
        greedy.send(server.localDestination(), syn(3));

        assertThat(ScriptedPeer.hex(greedy.expect())).isEqualTo("52 00 00 03");
        assertThat(server.statistics().get(Counter.REFUSED_PEER_LIMIT)).isEqualTo(1);
        ScriptedPeer other = peer("other");
        other.send(server.localDestination(), syn(4));
        other.sync(server.localDestination());
        assertThat(server.statistics().get(Counter.REFUSED_PEER_LIMIT)).isEqualTo(1);
    }

    /**
     * A limit reached is a warning, so that a command line, which shows warnings only without
     * {@code --verbose}, prints the line protocol.md section 12 promises; once per peer and limit
     * in 10 s, so a flood of refusals is one line.
     */
    @Test
    void aLimitReachedIsLoggedOnceAsAWarningNamingThePeerAndTheLimit() throws Exception {
        try (LogCapture engineLog = LogCapture.of("org.ministreaming.engine.Engine")) {
            StreamManager server = manager("server", StreamOptions.builder().maxConnectionsPerPeer(1));
            server.serverSocket();
            ScriptedPeer greedy = peer("peer");
            greedy.send(server.localDestination(), syn(1));
            greedy.send(server.localDestination(), syn(2));
            greedy.send(server.localDestination(), syn(3));
            assertThat(ScriptedPeer.hex(greedy.expect())).isEqualTo("52 00 00 02");
            assertThat(ScriptedPeer.hex(greedy.expect())).isEqualTo("52 00 00 03");

            assertThat(engineLog.records()).filteredOn(r -> r.getMessage().startsWith("limit reached")).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getMessage()).contains("mem:peer").contains("1 connections per peer").contains("REFUSED_PEER_LIMIT");
            });
        }
    }

    @Test
    void theManagersConnectionLimitRefusesSynsAndFailsConnects() throws Exception {
        StreamManager server = manager("server", StreamOptions.builder().maxConnections(2));
        server.serverSocket();
        ScriptedPeer first = peer("first");
        ScriptedPeer second = peer("second");
        first.send(server.localDestination(), syn(1));
        first.send(server.localDestination(), syn(2));
        first.sync(server.localDestination());

        second.send(server.localDestination(), syn(3));

        assertThat(ScriptedPeer.hex(second.expect())).isEqualTo("52 00 00 03");
        assertThat(server.statistics().get(Counter.REFUSED_CONNECTION_LIMIT)).isEqualTo(1);
        assertThatThrownBy(() -> server.connect(second.destination()))
                .isInstanceOf(SocketException.class).hasMessageContaining("connection limit");
    }

    @Test
    void onePeerMayHoldOnlyHalfTheBacklog() throws Exception {
        StreamManager server = manager("server", StreamOptions.builder().acceptBacklog(4));
        server.serverSocket();
        ScriptedPeer greedy = peer("peer");
        ScriptedPeer other = peer("other");

        greedy.send(server.localDestination(), syn(1));
        greedy.send(server.localDestination(), syn(2));
        greedy.send(server.localDestination(), syn(3));
        assertThat(ScriptedPeer.hex(greedy.expect())).isEqualTo("52 00 00 03");

        other.send(server.localDestination(), syn(4));
        other.sync(server.localDestination());
        assertThat(server.statistics().get(Counter.REFUSED_PEER_BACKLOG)).isEqualTo(1);
        assertThat(server.statistics().get(Counter.SYN_REFUSED)).isZero();
    }

    @Test
    void anOversizeDataMessageClosesOnlyItsConnection() throws Exception {
        StreamManager server = manager("server", StreamOptions.builder().flowControl(false));
        StreamServerSocket serverSocket = server.serverSocket();
        ScriptedPeer peer = peer("peer");
        peer.send(server.localDestination(), syn(1));
        StreamSocket victim = serverSocket.accept(ScriptedPeer.WAIT);
        String victimId = peer.expectMessage().ackedServerId().toString();
        peer.send(server.localDestination(), syn(2));
        StreamSocket bystander = serverSocket.accept(ScriptedPeer.WAIT);
        String bystanderId = peer.expectMessage().ackedServerId().toString();

        peer.send(server.localDestination(), "C->S A0 " + victimId + " 41".repeat(32_769));

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 00 00 01");
        assertThatThrownBy(() -> victim.getInputStream().read()).isInstanceOf(IOException.class).hasMessageContaining("32769");
        peer.send(server.localDestination(), "C->S A0 " + bystanderId + " 42");
        assertThat(bystander.getInputStream().read()).isEqualTo(0x42);
        assertThat(server.statistics().get(Counter.OVERSIZE_MESSAGE)).isEqualTo(1);
    }

    @Test
    void anOversizeSynIsDroppedWithoutAnAnswer() throws Exception {
        StreamManager server = manager("server", StreamOptions.builder());
        server.serverSocket();
        ScriptedPeer peer = peer("peer");

        peer.send(server.localDestination(), "C->S A1 00 00 01" + " 41".repeat(40_000));
        peer.sync(server.localDestination());

        assertThat(server.statistics().get(Counter.OVERSIZE_MESSAGE)).isEqualTo(1);
        assertThat(server.statistics().get(Counter.SYN_REFUSED)).isZero();
    }

    @Test
    void aPlainPeerFloodingDataCannotGrowTheManagersBuffersBeyondTheirBound() throws Exception {
        int buffer = 16 * 1024;
        int perPeer = 8;
        StreamManager server = manager("server", StreamOptions.builder().plainReceiveAllowance(buffer).maxConnectionsPerPeer(perPeer));
        StreamServerSocket serverSocket = server.serverSocket();
        ScriptedPeer peer = peer("peer");
        List<String> serverIds = new ArrayList<>();
        for (int id = 1; id <= perPeer; id++) {
            peer.send(server.localDestination(), syn(id));
            serverSocket.accept(ScriptedPeer.WAIT);
            serverIds.add(peer.expectMessage().ackedServerId().toString());
        }

        String chunk = " 41".repeat(4096);
        long peak = 0;
        List<String> closes = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            for (String serverId : serverIds) {
                peer.send(server.localDestination(), "C->S A0 " + serverId + chunk);
            }
            peer.syncCollecting(server.localDestination()).forEach(message -> closes.add(ScriptedPeer.hex(message)));
            peak = Math.max(peak, server.bufferedBytes());
        }

        assertThat(peak).isLessThanOrEqualTo((long) perPeer * buffer);
        assertThat(closes).hasSize(perPeer).allMatch(close -> close.startsWith("52 "));
        assertThat(server.statistics().get(Counter.OVERRUN)).isEqualTo(perPeer);
    }

    @Test
    void aPeerThatNeverReadsMakesOurWritersWaitInsteadOfBuffering() throws Exception {
        int window = 16 * 1024;
        StreamManager server = manager("server", StreamOptions.builder().writeTimeout(Duration.ofMillis(200)));
        StreamManager lazy = manager("lazy", StreamOptions.builder().receiveBufferSize(window));
        StreamServerSocket serverSocket = server.serverSocket();
        Destination serverAddress = server.localDestination();
        List<StreamSocket> accepted = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<StreamSocket> next = Async.run(() -> serverSocket.accept(ScriptedPeer.WAIT));
            lazy.connect(serverAddress);
            accepted.add(next.get(30, TimeUnit.SECONDS));
        }

        for (StreamSocket socket : accepted) {
            assertThatThrownBy(() -> socket.getOutputStream().write(new byte[4 * window])).isInstanceOf(SocketTimeoutException.class);
        }

        assertThat(lazy.bufferedBytes()).isEqualTo(8L * window);
        assertThat(server.bufferedBytes()).isZero();
        assertThat(lazy.statistics().get(Counter.OVERRUN)).isZero();
    }
}
