package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/** A sender's thread handing messages over never calls a receiver from inside its own call. */
class ReceiverReentryTest extends MemoryNetworkFixture {

    private static final int ROUNDS = 5_000;

    /**
     * Alice's receiver answers each message to bob on the thread it runs on, and bob's answers
     * alice's the same way. A thread holding alice's delivery lock must not hand alice bob's answer
     * from inside her own call (which would nest the two endpoints' calls ever deeper, one level
     * per round, and call her receiver again before it returned): it queues it, and hands it over
     * once her call has returned.
     */
    @Test
    void endpointsThatAnswerEachOtherInTheirReceiversAreNeverCalledFromInsideThemselves() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Answering alice = new Answering("mem:bob", done);
        Answering bob = new Answering("mem:alice", done);
        alice.endpoint = started("alice", alice);
        bob.endpoint = started("bob", bob);
        MemoryTransport carol = endpoint("carol");

        carol.send(Destination.of("mem:alice"), ByteBuffer.allocate(4).asReadOnlyBuffer());

        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("%d rounds answered", ROUNDS).isTrue();
        assertThat(alice.deepest.get()).as("alice's receiver entered from inside itself").isEqualTo(1);
        assertThat(bob.deepest.get()).as("bob's receiver entered from inside itself").isEqualTo(1);
    }

    /** Answers every message to one peer from inside its own call, until {@link #ROUNDS} messages have come. */
    private static final class Answering implements Transport.Receiver {
        final Destination peer;
        final CountDownLatch done;
        final AtomicInteger depth = new AtomicInteger();
        final AtomicInteger deepest = new AtomicInteger();
        final AtomicInteger heard = new AtomicInteger();
        MemoryTransport endpoint;

        Answering(String peer, CountDownLatch done) {
            this.peer = Destination.of(peer);
            this.done = done;
        }

        @Override
        public void onMessage(Destination from, ByteBuffer message) {
            deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
            try {
                if (heard.incrementAndGet() == ROUNDS) {
                    done.countDown();
                } else if (heard.get() < ROUNDS) {
                    endpoint.send(peer, ByteBuffer.allocate(4).asReadOnlyBuffer());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                depth.decrementAndGet();
            }
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
        }
    }
}
