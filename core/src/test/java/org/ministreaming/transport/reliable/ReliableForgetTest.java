package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.memory.MemoryTransport;
import org.ministreaming.transport.memory.PathConditions;

/**
 * {@link ReliableTransport#forget}: an idle peer's state is dropped, its epochs and where its
 * streams stood remembered; a busy one is kept; a peer that kept its state resumes the streams,
 * one that comes back afresh is met as a new one, and a straggler of a retired epoch is stale.
 */
class ReliableForgetTest extends ReliableFixture {

    @Test
    void anIdlePeerForgottenOnBothSidesIsMetAsANewOneWithoutALoss() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);
        alice.send(bob.localDestination(), text("one"));
        assertThat(bobHears.nextText(alice.localDestination())).isEqualTo("one");
        bob.send(alice.localDestination(), text("two"));
        assertThat(aliceHears.nextText(bob.localDestination())).isEqualTo("two");

        forgetOnceIdle(alice, bob.localDestination());
        forgetOnceIdle(bob, alice.localDestination());
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_FORGOTTEN, 1L);

        alice.send(bob.localDestination(), text("three"));
        assertThat(bobHears.nextText(alice.localDestination())).isEqualTo("three");
        bob.send(alice.localDestination(), text("four"));
        assertThat(aliceHears.nextText(bob.localDestination())).isEqualTo("four");
        aliceHears.assertQuiet();
        bobHears.assertQuiet();
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
        assertThat(bob.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
    }

    @Test
    void aPeerThatKeptItsStateResumesTheStreamsWhereTheyStood() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);
        bob.send(alice.localDestination(), text("before"));
        assertThat(aliceHears.nextText(bob.localDestination())).isEqualTo("before");
        alice.send(bob.localDestination(), text("answer"));
        assertThat(bobHears.nextText(alice.localDestination())).isEqualTo("answer");

        forgetOnceIdle(alice, bob.localDestination());
        bob.send(alice.localDestination(), text("to the forgotten streams"));

        assertThat(aliceHears.nextText(bob.localDestination())).isEqualTo("to the forgotten streams");
        alice.send(bob.localDestination(), text("and back"));
        assertThat(bobHears.nextText(alice.localDestination())).isEqualTo("and back");
        aliceHears.assertQuiet();
        bobHears.assertQuiet();
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_RESUMED, 1L).containsEntry(ReliableCounter.STALE_FRAMES, 0L);
        assertThat(bob.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
    }

    @Test
    void aFrameSentAgainBecauseItsAcknowledgementWasLostIsAcknowledgedAfterTheReceiverForgot() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        int rawEpoch = 0x0BADCAFE;
        raw.send(alice.localDestination(), Frame.data(rawEpoch, 0, 0, 0, 0, text("hello")).encode());
        assertThat(aliceHears.nextText(raw.localDestination())).isEqualTo("hello");
        int aliceEpoch = nextFrame(rawHears).senderEpoch();

        forgetOnceIdle(alice, raw.localDestination());
        raw.send(alice.localDestination(), Frame.data(rawEpoch, aliceEpoch, 0, 0, 0, text("hello")).encode());

        Frame ack = nextFrame(rawHears);
        assertThat(ack.isReset()).as("no reset: the streams go on").isFalse();
        assertThat(ack.senderEpoch()).isEqualTo(aliceEpoch);
        assertThat(ack.receiverEpoch()).isEqualTo(rawEpoch);
        assertThat(ack.ack()).as("the copy acknowledged").isEqualTo(1);
        raw.send(alice.localDestination(), Frame.data(rawEpoch, aliceEpoch, 1, 0, 0, text("next")).encode());
        assertThat(aliceHears.nextText(raw.localDestination())).as("no loss, the copy not delivered again").isEqualTo("next");
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_RESUMED, 1L).containsEntry(ReliableCounter.RESETS_SENT, 0L);
    }

    @Test
    void aFrameOfARetiredEpochAfterForgettingIsStaleNotANewStream() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        int oldEpoch = 0x0BADCAFE;
        int newEpoch = 0x0C0FFEE0;
        raw.send(alice.localDestination(), Frame.data(oldEpoch, 0, 0, 0, 0, text("hello")).encode());
        assertThat(aliceHears.nextText(raw.localDestination())).isEqualTo("hello");
        raw.send(alice.localDestination(), Frame.data(newEpoch, 0, 0, 0, 0, text("again")).encode());
        assertThat(aliceHears.next().isLoss()).as("the restart, told").isTrue();
        assertThat(aliceHears.nextText(raw.localDestination())).isEqualTo("again");

        forgetOnceIdle(alice, raw.localDestination());
        raw.send(alice.localDestination(), Frame.data(oldEpoch, 0, 0, 0, 0, text("hello")).encode());

        Frame reset = nextFrame(rawHears);
        while (!reset.isReset()) {
            reset = nextFrame(rawHears);
        }
        assertThat(reset.receiverEpoch()).isEqualTo(oldEpoch);
        aliceHears.assertQuiet();
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_RESUMED, 0L);
        assertThat(alice.statistics().get(ReliableCounter.STALE_FRAMES)).isPositive();
    }

    @Test
    void aPeerMetAgainAfterForgettingStartsFromTheShortestRoundTripAndTheDeliveryRateMeasuredBefore() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", new RecordingReceiver());
        ReliableTransport bob = reliable("bob", bobHears);
        // A path with a round trip and a bandwidth, so that acknowledgements measure a rate.
        network.setPath(alice.localDestination(), bob.localDestination(),
                new PathConditions(Duration.ofMillis(10), Duration.ZERO, 0, 256 * 1024, 1024 * 1024));
        String padding = "x".repeat(1000);
        for (int i = 0; i < 200; i++) {
            alice.send(bob.localDestination(), text("message " + i + padding));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(bobHears.nextText(alice.localDestination())).isEqualTo("message " + i + padding);
        }
        Await.until("alice measured a round trip and a delivery rate with more to send, and has nothing in flight", () -> {
            PeerState state = alice.state(bob.localDestination());
            return state.srttNanos() >= 0 && state.deliveryRate() > 0 && alice.unacknowledged(bob.localDestination()) == 0;
        });
        PeerState before = alice.state(bob.localDestination());

        forgetOnceIdle(alice, bob.localDestination());
        PeerState after = alice.state(bob.localDestination());

        assertThat(after.localEpoch()).as("met afresh").isNotEqualTo(before.localEpoch());
        assertThat(after.srttNanos()).as("the shortest sample, at most the smoothed one").isBetween(0L, before.srttNanos());
        assertThat(after.rtoNanos()).as("not the initial RTO").isNotEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(after.deliveryRate()).isEqualTo(before.deliveryRate());
    }

    @Test
    void aPeerWithFramesUnacknowledgedIsKept() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver());
        MemoryTransport silent = raw("silent", new RecordingReceiver());
        alice.send(silent.localDestination(), text("waiting for an acknowledgement"));

        alice.forget(silent.localDestination());

        assertThat(alice.peers()).containsExactly(silent.localDestination());
        assertThat(alice.unacknowledged(silent.localDestination())).isEqualTo(1);
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_FORGOTTEN, 0L);
    }

    @Test
    void forgettingWhileMessagesFlowNeverDuplicatesOrReordersAndLosesOnlyWithANotice() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);
        int messages = 3000;
        CompletableFuture<Integer> sending = Async.run(() -> {
            int failed = 0;
            for (int i = 0; i < messages; i++) {
                try {
                    alice.send(bob.localDestination(), text(Integer.toString(i)));
                } catch (IOException lostMeanwhile) {
                    failed++;
                }
                if (i % 20 == 0) {
                    LockSupport.parkNanos(100_000);
                }
            }
            return failed;
        });
        Thread forgetter = start("test-forgetter", () -> {
            while (!sending.isDone() && !Thread.currentThread().isInterrupted()) {
                alice.forget(bob.localDestination());
                bob.forget(alice.localDestination());
                LockSupport.parkNanos(200_000);
            }
        });
        assertThat(sending).succeedsWithin(Await.LIMIT);
        forgetter.join();
        alice.send(bob.localDestination(), text("end"));

        List<Integer> heard = new ArrayList<>();
        while (true) {
            Event event = bobHears.next();
            if (event.isLoss()) {
                continue;
            }
            if (event.text().equals("end")) {
                break;
            }
            heard.add(Integer.parseInt(event.text()));
        }
        assertThat(heard).as("in order, each once").isSorted().doesNotHaveDuplicates();
        assertThat(alice.statistics().get(ReliableCounter.PEERS_FORGOTTEN) + bob.statistics().get(ReliableCounter.PEERS_FORGOTTEN))
                .as("the peers were forgotten while the messages flowed").isPositive();
        if (heard.size() < messages) {
            assertThat(aliceHears.events).as("a message was lost only with a notice to its sender")
                    .anyMatch(Event::isLoss);
        }
    }

    /** Calls {@code forget} until the transport, once idle with the peer, drops it. */
    private static void forgetOnceIdle(ReliableTransport transport, Destination peer) {
        Await.until(transport + " forgets " + peer, () -> {
            transport.forget(peer);
            return !transport.peers().contains(peer);
        });
    }
}
