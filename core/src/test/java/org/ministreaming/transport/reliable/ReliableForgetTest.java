package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

/**
 * {@link ReliableTransport#forget}: an idle peer's state is dropped and its epochs remembered; a
 * busy one is kept; a peer that comes back is met as a new one, and a late frame of the old
 * streams is stale.
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
    void aPeerThatKeptItsStateIsToldByAResetAndIsHeardAfterwards() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);
        bob.send(alice.localDestination(), text("before"));
        assertThat(aliceHears.nextText(bob.localDestination())).isEqualTo("before");

        forgetOnceIdle(alice, bob.localDestination());
        bob.send(alice.localDestination(), text("to a forgotten stream"));

        assertThat(bobHears.nextLoss(alice.localDestination()).lost()).hasMessageContaining("does not know this endpoint's epoch");
        bob.send(alice.localDestination(), text("after"));
        assertThat(aliceHears.nextText(bob.localDestination())).as("the message to the old stream was not delivered")
                .isEqualTo("after");
        assertThat(alice.statistics().get(ReliableCounter.STALE_FRAMES)).isPositive();
    }

    @Test
    void aLateDuplicateOfTheForgottenStreamIsStaleNotANewStream() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        int oldEpoch = 0x0BADCAFE;
        raw.send(alice.localDestination(), Frame.data(oldEpoch, 0, 0, 0, 0, text("hello")).encode());
        assertThat(aliceHears.nextText(raw.localDestination())).isEqualTo("hello");
        assertThat(nextFrame(rawHears).ack()).as("acknowledged").isEqualTo(1);

        forgetOnceIdle(alice, raw.localDestination());
        raw.send(alice.localDestination(), Frame.data(oldEpoch, 0, 0, 0, 0, text("hello")).encode());

        Frame reset = nextFrame(rawHears);
        assertThat(reset.isReset()).as("the duplicate is answered with a reset").isTrue();
        assertThat(reset.receiverEpoch()).isEqualTo(oldEpoch);
        int newEpoch = 0x0C0FFEE0;
        raw.send(alice.localDestination(), Frame.data(newEpoch, 0, 0, 0, 0, text("fresh")).encode());
        assertThat(aliceHears.nextText(raw.localDestination())).as("the duplicate was not delivered again").isEqualTo("fresh");
        assertThat(alice.statistics().get(ReliableCounter.STALE_FRAMES)).isPositive();
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
