package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.RecordingReceiver.Event;

/**
 * Over a transport that proves who sent its frames, no plain message overrides them: a forged
 * probe with a new epoch and a forged plain message, both claiming a peer that speaks frames,
 * change nothing, while a peer that really restarted is heard again through a reset.
 */
@Timeout(60)
class ProvenSendersTest extends ReliableFixture {

    private static final int FORGED_EPOCH = 0x0BADBAD0;

    @Test
    void aForgedProbeWithANewEpochIsDroppedAndTheConnectionGoesOn() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        Proving bobInner = new Proving("bob");
        ReliableTransport alice = reliable(new Proving("alice"), "alice", new RecordingReceiver(), options -> options);
        ReliableTransport bob = reliable(bobInner, "bob", bobHears, options -> options);
        Destination aliceAddress = alice.localDestination();
        established(alice, bob, bobHears);
        PeerState before = bob.state(aliceAddress);

        bobInner.forge(aliceAddress, Probe.encode(text("A1 forged syn"), FORGED_EPOCH, 0));
        bobInner.forge(aliceAddress, Probe.encode(text("A1 forged syn"), before.remoteEpoch(), 0));
        alice.send(bob.localDestination(), text("after"));

        assertThat(bobHears.next().text()).as("no loss, no forged message").isEqualTo("after");
        PeerState after = bob.state(aliceAddress);
        assertThat(after.mode()).isEqualTo(Mode.RELIABLE);
        assertThat(after.remoteEpoch()).isEqualTo(before.remoteEpoch());
        assertThat(after.localEpoch()).isEqualTo(before.localEpoch());
        assertThat(bob.statistics()).containsEntry(ReliableCounter.UNPROVEN_CLAIMS_DROPPED, 1L)
                .containsEntry(ReliableCounter.PEERS_RESTARTED, 0L)
                .as("the probe at alice's epoch is a copy of her first frame").containsEntry(ReliableCounter.DUPLICATES_DISCARDED, 1L);
        Await.until("bob's acknowledgements taken", () -> alice.unacknowledged(bob.localDestination()) == 0);
        assertThat(alice.statistics()).as("the pure ack bob sent was at the current epochs")
                .containsEntry(ReliableCounter.STALE_FRAMES, 0L).containsEntry(ReliableCounter.PEERS_RESTARTED, 0L);
        bobHears.assertQuiet();
    }

    @Test
    void aForgedPlainMessageIsDroppedAndThePeerStaysReliable() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        Proving bobInner = new Proving("bob");
        ReliableTransport alice = reliable(new Proving("alice"), "alice", new RecordingReceiver(), options -> options);
        ReliableTransport bob = reliable(bobInner, "bob", bobHears, options -> options);
        established(alice, bob, bobHears);

        bobInner.forge(alice.localDestination(), text("A0 forged data"));
        alice.send(bob.localDestination(), text("after"));

        assertThat(bobHears.next().text()).as("no loss, no forged message").isEqualTo("after");
        assertThat(bob.isPlain(alice.localDestination())).isFalse();
        assertThat(bob.statistics()).containsEntry(ReliableCounter.UNPROVEN_CLAIMS_DROPPED, 1L)
                .containsEntry(ReliableCounter.PEERS_RESTARTED, 0L).containsEntry(ReliableCounter.PLAIN_PEERS, 0L);
        bob.send(alice.localDestination(), text("still in frames"));
        Await.until("bob's frame acknowledged", () -> bob.unacknowledged(alice.localDestination()) == 0);
        bobHears.assertQuiet();
    }

    @Test
    void aPeerThatReallyRestartedAnswersTheAckWithAResetAndItsProbeIsTakenOnTheRetry() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable(new Proving("alice"), "alice", new RecordingReceiver(), options -> options);
        ReliableTransport bob = reliable(new Proving("bob"), "bob", bobHears, options -> options);
        established(alice, bob, bobHears);
        alice.close();

        ReliableTransport aliceAgain = reliable(new Proving("alice"), "alice", new RecordingReceiver(),
                options -> options.random(new Random(99)));
        aliceAgain.open(bob.localDestination(), text("A1 I am back"));

        Event restarted = bobHears.next();
        assertThat(restarted.loss()).hasMessageContaining("mem:alice does not know this endpoint's epoch");
        assertThat(bobHears.next().text()).isEqualTo("A1 I am back");
        assertThat(bob.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 1L);
        assertThat(bob.statistics().get(ReliableCounter.UNPROVEN_CLAIMS_DROPPED)).as("the first probe").isPositive();
        assertThat(aliceAgain.statistics().get(ReliableCounter.RESETS_SENT)).isPositive();
        assertThat(bob.state(alice.localDestination()).remoteEpoch()).isEqualTo(aliceAgain.state(bob.localDestination()).localEpoch());
    }

    /** Alice opens to bob, both send in frames, and nothing is left unacknowledged. */
    private static void established(ReliableTransport alice, ReliableTransport bob, RecordingReceiver bobHears) throws IOException {
        alice.open(bob.localDestination(), text("A1 syn"));
        assertThat(bobHears.next().text()).isEqualTo("A1 syn");
        bob.send(alice.localDestination(), text("51 ack"));
        alice.send(bob.localDestination(), text("A0 data"));
        assertThat(bobHears.next().text()).isEqualTo("A0 data");
        Await.until("both acknowledged", () -> alice.unacknowledged(bob.localDestination()) == 0
                && bob.unacknowledged(alice.localDestination()) == 0);
        assertThat(bob.state(alice.localDestination()).mode()).isEqualTo(Mode.RELIABLE);
    }

    /**
     * An in-memory endpoint that says it proves who sent its frames, and through which a test
     * hands its receiver a message in any sender's name, as a third party's forgery arrives.
     */
    private final class Proving extends ForwardingTransport {
        private volatile Receiver receiver;

        Proving(String name) {
            super(network.endpoint(name));
        }

        void forge(Destination claimedSender, ByteBuffer message) {
            receiver.onMessage(claimedSender, message);
        }

        @Override
        public boolean provesFrameSenders() {
            return true;
        }

        @Override
        public void start(Receiver above) throws IOException {
            receiver = above;
            super.start(above);
        }
    }
}
