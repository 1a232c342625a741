package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;

/** {@link MemoryNetwork}, {@link MemoryTransport}, {@link Inbox} and {@link LinkFaults}. */
/** {@link MemoryNetwork}'s link faults: delay, drop, duplicate, reorder, cut and restore. */
class MemoryNetworkFaultsTest extends MemoryNetworkFixture {

    // ---------------------------------------------------------------- faults

    @Test
    void delayHoldsAMessageBack() throws Exception {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDelay(Duration.ofMillis(200)));

        long sentAt = System.nanoTime();
        alice.send(bob.localDestination(), text("late"));

        assertThat(bobHears.events.poll(100, TimeUnit.MILLISECONDS)).as("arrived within 100 ms").isNull();
        Event event = bobHears.next();
        assertThat(event.text()).isEqualTo("late");
        assertThat(Duration.ofNanos(event.atNanos() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void dropOfOneHundredPercentDeliversNothing() throws IOException {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDropPercent(100));

        for (int i = 0; i < 50; i++) {
            alice.send(bob.localDestination(), text("lost" + i));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        assertThat(bobHears.next().text()).as("first message to arrive").isEqualTo("marker");
        assertThat(bobHears.events).isEmpty();
        assertThat(bob.inbox().size()).isZero();
    }

    @Test
    void dropOfFiftyPercentLosesSomeAndKeepsTheOrderOfTheRest() throws IOException {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDropPercent(50));

        for (int i = 0; i < 400; i++) {
            alice.send(bob.localDestination(), text(Integer.toString(i)));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        List<Integer> arrived = new ArrayList<>();
        for (Event event = bobHears.next(); !event.text().equals("marker"); event = bobHears.next()) {
            arrived.add(Integer.parseInt(event.text()));
        }
        assertThat(arrived).hasSizeBetween(100, 300).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void duplicateOfOneHundredPercentDeliversEachMessageTwiceAsSeparateArrays() throws IOException {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDuplicatePercent(100));

        for (int i = 0; i < 20; i++) {
            alice.send(bob.localDestination(), text("d" + i));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        for (int i = 0; i < 20; i++) {
            Event first = bobHears.next();
            Event second = bobHears.next();
            assertThat(first.text()).isEqualTo("d" + i);
            assertThat(second.text()).isEqualTo("d" + i);
            assertThat(second.bytes()).isNotSameAs(first.bytes());
        }
        assertThat(bobHears.next().text()).isEqualTo("marker");
        assertThat(bobHears.events).isEmpty();
    }

    @Test
    void reorderWindowShufflesLocallyAndDeliversEveryMessageExactlyOnce() throws IOException {
        int window = 8;
        int count = 200;
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");
        network.setFaults(LinkFaults.NONE.withReorderWindow(window));
        for (int i = 0; i < count; i++) {
            alice.send(bob.localDestination(), text(Integer.toString(i)));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));
        RecordingReceiver bobHears = new RecordingReceiver();

        bob.start(bobHears);

        List<Integer> arrived = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            arrived.add(Integer.parseInt(bobHears.next().text()));
        }
        assertThat(bobHears.next().text()).isEqualTo("marker");
        assertThat(arrived)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, count).boxed().toList())
                .isNotEqualTo(IntStream.range(0, count).boxed().toList());
        for (int position = 0; position < count; position++) {
            int message = arrived.get(position);
            long earlierOvertaken = arrived.subList(position + 1, count).stream().filter(later -> later < message).count();
            assertThat(earlierOvertaken).as("messages sent before %d that it overtook", message).isLessThanOrEqualTo(window - 1);
        }
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {0, 1})
    void reorderWindowOfZeroOrOneKeepsTheOrder(int window) throws IOException {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");
        network.setFaults(LinkFaults.NONE.withReorderWindow(window));
        for (int i = 0; i < 100; i++) {
            alice.send(bob.localDestination(), text(Integer.toString(i)));
        }
        RecordingReceiver bobHears = new RecordingReceiver();

        bob.start(bobHears);

        for (int i = 0; i < 100; i++) {
            assertThat(bobHears.next().text()).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void setFaultsRejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> network.setFaults(null));
    }

    // ---------------------------------------------------------------- cut and restore

    @Test
    void cutTellsBothEndsDiscardsWhatIsQueuedBetweenThemAndFailsTheirSends() throws IOException {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        RecordingReceiver carolHears = new RecordingReceiver();
        MemoryTransport alice = started("alice", aliceHears);
        MemoryTransport bob = endpoint("bob");
        MemoryTransport carol = started("carol", carolHears);
        Destination a = alice.localDestination();
        Destination b = bob.localDestination();
        Destination c = carol.localDestination();
        alice.send(b, text("a1"));
        alice.send(b, text("a2"));
        carol.send(b, text("c1"));
        assertThat(bob.inbox().size()).isEqualTo(3);

        network.cut(a, b);

        Event aliceLost = aliceHears.next();
        assertThat(aliceLost.lost()).as("alice's onPeerLost").isNotNull().hasMessageContaining("cut");
        assertThat(aliceLost.from()).isEqualTo(b);
        bob.start(bobHears);
        assertThat(bobHears.next().text()).as("carol's message survives").isEqualTo("c1");
        Event bobLost = bobHears.next();
        assertThat(bobLost.lost()).as("bob's onPeerLost").isNotNull().hasMessageContaining("cut");
        assertThat(bobLost.from()).isEqualTo(a);
        assertThatThrownBy(() -> alice.send(b, text("a3"))).isInstanceOf(IOException.class).hasMessageContaining("cut");
        assertThatThrownBy(() -> bob.send(a, text("b1"))).isInstanceOf(IOException.class).hasMessageContaining("cut");

        carol.send(a, text("c2"));
        carol.send(b, text("c3"));
        alice.send(c, text("a4"));
        bob.send(c, text("b2"));
        assertThat(aliceHears.next().text()).isEqualTo("c2");
        assertThat(bobHears.next().text()).isEqualTo("c3");
        assertThat(carolHears.next().text()).isEqualTo("a4");
        assertThat(carolHears.next().text()).isEqualTo("b2");
        assertThat(aliceHears.events).isEmpty();
        assertThat(bobHears.events).isEmpty();
    }

    @Test
    void restoreMakesSendsWorkAgainAndCuttingACutLinkTellsNobodyTwice() throws IOException {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport alice = started("alice", aliceHears);
        MemoryTransport bob = started("bob", bobHears);
        Destination a = alice.localDestination();
        Destination b = bob.localDestination();
        network.cut(a, b);
        assertThat(aliceHears.next().lost()).isNotNull();
        assertThat(bobHears.next().lost()).isNotNull();

        network.cut(b, a);
        network.restore(b, a);

        alice.send(b, text("hello again"));
        bob.send(a, text("welcome back"));
        assertThat(bobHears.next().text()).as("no second onPeerLost first").isEqualTo("hello again");
        assertThat(aliceHears.next().text()).isEqualTo("welcome back");
    }

    @Test
    void cuttingALinkToAnUnregisteredNameTellsTheRegisteredEnd() {
        RecordingReceiver aliceHears = new RecordingReceiver();
        MemoryTransport alice = started("alice", aliceHears);

        network.cut(alice.localDestination(), Destination.of("mem:ghost"));

        Event lost = aliceHears.next();
        assertThat(lost.from()).isEqualTo(Destination.of("mem:ghost"));
        assertThat(lost.lost()).isNotNull();
    }
}
