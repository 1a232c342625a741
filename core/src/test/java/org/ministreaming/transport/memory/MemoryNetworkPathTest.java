package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.RecordingReceiver;

/** {@link MemoryNetwork}'s simulated paths end to end: jitter reorders, a stall loses, the faults come back when a path is cleared. */
class MemoryNetworkPathTest extends MemoryNetworkFixture {

    private static final PathConditions JITTERY = new PathConditions(Duration.ofMillis(20), Duration.ofMillis(19), 0, 0, 0);

    @Test
    void jitterReordersMessagesButDeliversEachOnce() throws Exception {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setPath(alice.localDestination(), bob.localDestination(), JITTERY);

        for (int i = 0; i < 200; i++) {
            alice.send(bob.localDestination(), text("m" + i));
        }
        List<String> heard = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            heard.add(bobHears.next().text());
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add("m" + i);
        }
        assertThat(heard).containsExactlyInAnyOrderElementsOf(sent).isNotEqualTo(sent);
        assertThat(network.pathCounts(alice.localDestination(), bob.localDestination())).isEqualTo(new PathCounts(200, 0, 0));
    }

    @Test
    void theLocalRouterPresetKeepsTheOrder() throws Exception {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setPath(alice.localDestination(), bob.localDestination(), PathConditions.LOCAL_ROUTER);

        for (int i = 0; i < 500; i++) {
            alice.send(bob.localDestination(), text("m" + i));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(bobHears.next().text()).isEqualTo("m" + i);
        }
    }

    @Test
    void aStalledPathLosesEverythingUntilItsConditionsComeBack() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        MemoryTransport alice = started("alice", aliceHears);
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setPath(alice.localDestination(), bob.localDestination(), PathConditions.LOCAL_ROUTER.withFragmentLossPercent(100));

        for (int i = 0; i < 20; i++) {
            alice.send(bob.localDestination(), text("lost" + i));
            bob.send(alice.localDestination(), text("lost" + i));
        }
        network.setPath(alice.localDestination(), bob.localDestination(), PathConditions.LOCAL_ROUTER);
        alice.send(bob.localDestination(), text("to bob"));
        bob.send(alice.localDestination(), text("to alice"));

        assertThat(bobHears.next().text()).as("first to arrive at bob").isEqualTo("to bob");
        assertThat(aliceHears.next().text()).as("first to arrive at alice").isEqualTo("to alice");
        assertThat(network.pathCounts(alice.localDestination(), bob.localDestination())).isEqualTo(new PathCounts(1, 20, 0));
        assertThat(network.pathCounts(bob.localDestination(), alice.localDestination())).isEqualTo(new PathCounts(1, 20, 0));
    }

    @Test
    void aClearedPathLeavesTheLinkToTheFaultsAgain() throws Exception {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDropPercent(100));
        network.setPath(alice.localDestination(), bob.localDestination(), PathConditions.LOCAL_ROUTER);
        alice.send(bob.localDestination(), text("over the path"));
        assertThat(bobHears.next().text()).isEqualTo("over the path");

        network.clearPath(alice.localDestination(), bob.localDestination());
        alice.send(bob.localDestination(), text("dropped by the faults"));
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        assertThat(bobHears.next().text()).isEqualTo("marker");
        assertThatThrownBy(() -> network.pathCounts(alice.localDestination(), bob.localDestination())).isInstanceOf(IllegalArgumentException.class);
    }
}
