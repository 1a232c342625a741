package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * The accept timeout with one timer per backlog: every connection waiting for {@code accept()}
 * is refused once its own timeout has passed, never before, whatever else waits or was accepted,
 * and the timer starts again for connections that come after the backlog emptied.
 */
@Timeout(60)
class AcceptTimeoutTest {

    private static final String PEER_SYN_PAYLOAD = "6D 65 6D 3A 70 65 65 72"; // "mem:peer"
    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager manager;
    private ScriptedPeer peer;

    private Destination start() throws Exception {
        manager = StreamManager.open(network.endpoint("server"),
                StreamOptions.builder().acceptTimeout(TIMEOUT).random(new Random(5)).build());
        peer = new ScriptedPeer(network, "peer");
        return manager.localDestination();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void eachWaitingConnectionIsRefusedAtItsOwnTimeoutAndAnAcceptedOneNever() throws Exception {
        Destination server = start();
        StreamServerSocket serverSocket = manager.serverSocket();

        peer.send(server, "C->S A1 11 11 11 " + PEER_SYN_PAYLOAD);
        peer.sync(server);
        StreamSocket accepted = serverSocket.accept(ScriptedPeer.WAIT);
        assertThat(ScriptedPeer.hex(peer.expect())).as("the ACK of the first").startsWith("51 11 11 11");
        long secondSent = System.nanoTime();
        peer.send(server, "C->S A1 22 22 22 " + PEER_SYN_PAYLOAD);
        peer.sync(server);
        long thirdSent = System.nanoTime();
        peer.send(server, "C->S A1 33 33 33 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 22 22 22");
        assertThat(System.nanoTime() - secondSent).as("not refused before its timeout").isGreaterThanOrEqualTo(TIMEOUT.toNanos());
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 33 33 33");
        assertThat(System.nanoTime() - thirdSent).as("not refused before its timeout").isGreaterThanOrEqualTo(TIMEOUT.toNanos());
        peer.expectNothing(TIMEOUT);
        assertThat(manager.statistics().get(Counter.ACCEPT_TIMEOUT)).isEqualTo(2);
        assertThat(accepted.isClosed()).as("the accepted connection is not touched").isFalse();
        accepted.close();
    }

    @Test
    void aTimeoutOfCenturiesNeitherOverflowsNorRefuses() throws Exception {
        manager = StreamManager.open(network.endpoint("server"),
                StreamOptions.builder().acceptTimeout(Duration.ofDays(365L * 1000)).random(new Random(5)).build());
        peer = new ScriptedPeer(network, "peer");
        StreamServerSocket serverSocket = manager.serverSocket();

        peer.send(manager.localDestination(), "C->S A1 11 11 11 " + PEER_SYN_PAYLOAD);
        peer.sync(manager.localDestination());

        assertThat(manager.statistics().get(Counter.ACCEPT_TIMEOUT)).isZero();
        try (StreamSocket accepted = serverSocket.accept(ScriptedPeer.WAIT)) {
            assertThat(ScriptedPeer.hex(peer.expect())).as("the ACK").startsWith("51 11 11 11");
        }
    }

    @Test
    void theTimerStartsAgainForAConnectionThatComesAfterTheBacklogEmptied() throws Exception {
        Destination server = start();
        manager.serverSocket();

        peer.send(server, "C->S A1 11 11 11 " + PEER_SYN_PAYLOAD);
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 11 11 11");
        long sent = System.nanoTime();
        peer.send(server, "C->S A1 22 22 22 " + PEER_SYN_PAYLOAD);

        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("52 22 22 22");
        assertThat(System.nanoTime() - sent).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
        assertThat(manager.statistics().get(Counter.ACCEPT_TIMEOUT)).isEqualTo(2);
    }
}
