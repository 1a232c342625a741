package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.LinkFaults;

/**
 * Data offered to the reliable layer without waiting ({@link ReliableTransport#offerLent}): taken
 * while the peer's window has room, refused at once when it has none, and the wake-up
 * ({@link ReliableTransport#whenRoom}) comes once an acknowledgement makes room.
 */
@Timeout(60)
class ReliableOfferTest extends ReliableFixture {

    private static final Runnable NOT_LENT = () -> { };

    @Test
    void anOfferToAFullWindowTakesNothingAndTheWakeComesWithTheAcknowledgementThatMakesRoom() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.window(1).maxRetries(30));
        RecordingReceiver atBob = new RecordingReceiver();
        Destination bob = reliable("bob", atBob).localDestination();
        network.setFaults(LinkFaults.NONE.withDropPercent(100));

        assertThat(alice.offerLent(bob, text("first"), NOT_LENT)).as("room for one").isTrue();
        assertThat(alice.offerLent(bob, text("second"), NOT_LENT)).as("the window holds one unacknowledged").isFalse();
        CountDownLatch room = new CountDownLatch(1);
        alice.whenRoom(bob, room::countDown);
        assertThat(room.getCount()).as("no acknowledgement can come").isEqualTo(1);

        network.setFaults(LinkFaults.NONE);
        assertThat(room.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("woken once the first was acknowledged").isTrue();
        assertThat(alice.offerLent(bob, text("second"), NOT_LENT)).isTrue();
        assertThat(atBob.nextText(alice.localDestination())).isEqualTo("first");
        assertThat(atBob.nextText(alice.localDestination())).as("the refused offer never went").isEqualTo("second");
    }

    @Test
    void aWakeAskedForWhileThereIsRoomOrForAPeerNotMetRunsAtOnce() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver());
        Destination bob = reliable("bob", new RecordingReceiver()).localDestination();
        AtomicInteger woken = new AtomicInteger();
        alice.whenRoom(bob, woken::incrementAndGet);
        assertThat(woken).as("a peer not met").hasValue(1);
        assertThat(alice.offerLent(bob, text("hello"), NOT_LENT)).isTrue();
        alice.whenRoom(bob, woken::incrementAndGet);
        assertThat(woken).as("room in the window").hasValue(2);
    }

    @Test
    void offersToAPlainPeerAreTakenAsItsSendsAre() throws Exception {
        RecordingReceiver atPlain = new RecordingReceiver();
        Destination plain = raw("plain", atPlain).localDestination();
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.window(1).startPlain(peer -> peer.equals(plain)));
        for (int i = 0; i < 5; i++) {
            assertThat(alice.offerLent(plain, text("plain " + i), NOT_LENT)).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(atPlain.nextText(alice.localDestination())).isEqualTo("plain " + i);
        }
    }

    @Test
    void aLostPeerWakesItsOffersAndAClosedTransportRefusesThem() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.window(1).maxRetries(1)
                .minRto(Duration.ofMillis(50)).initialRto(Duration.ofMillis(50)));
        Destination silent = raw("silent", new RecordingReceiver()).localDestination();
        assertThat(alice.offerLent(silent, text("never acknowledged"), NOT_LENT)).isTrue();
        assertThat(alice.offerLent(silent, text("no room"), NOT_LENT)).isFalse();
        CountDownLatch woken = new CountDownLatch(1);
        alice.whenRoom(silent, woken::countDown);
        assertThat(woken.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("woken when the peer was given up on").isTrue();

        alice.close();
        assertThatThrownBy(() -> alice.offerLent(silent, text("after the close"), NOT_LENT)).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }
}
