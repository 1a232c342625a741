package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;

/** {@link MemoryTransport#sendNow}: on the calling thread to an idle receiver, or not at all. */
class MemorySendNowTest extends MemoryNetworkFixture {

    @Test
    void sendNowHandsTheMessageToAnIdleReceiverOnTheCallingThread() throws Exception {
        MemoryTransport alice = endpoint("alice");
        Thread caller = Thread.currentThread();
        CountDownLatch onCaller = new CountDownLatch(1);
        started("bob", new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (Thread.currentThread() == caller && message.remaining() == 5) {
                    onCaller.countDown();
                }
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });

        boolean sent = alice.sendNow(Destination.of("mem:bob"), text("he"), text("llo"));

        assertThat(sent).isTrue();
        assertThat(onCaller.getCount()).as("bob got the 5 bytes before sendNow returned, on its thread").isZero();
    }

    @Test
    void sendNowTakesNothingWhileTheReceiverIsBusyAndOverFaultyLinks() throws Exception {
        MemoryTransport alice = endpoint("alice");
        CountDownLatch gate = gate();
        RecordingReceiver bobHears = new RecordingReceiver(gate);
        MemoryTransport bob = started("bob", bobHears);
        alice.reply(bob.localDestination(), text("held"));
        Await.until("bob's delivery thread holds the reply", () -> bob.inbox().size() == 0);

        assertThat(alice.sendNow(bob.localDestination(), text("busy"), text(""))).as("the delivery thread is busy").isFalse();
        gate.countDown();
        assertThat(new String(bobHears.next().bytes())).isEqualTo("held");
        Await.until("bob's inbox is idle again", () -> bob.inbox().idle());
        network.setFaults(LinkFaults.NONE.withDropPercent(1));
        assertThat(alice.sendNow(bob.localDestination(), text("faulty"), text(""))).as("a link with faults").isFalse();
        network.setFaults(LinkFaults.NONE);
        assertThat(alice.sendNow(Destination.of("mem:nobody"), text("x"), text(""))).as("no such endpoint").isFalse();
        assertThat(bob.inbox().size()).isZero();
    }
}
