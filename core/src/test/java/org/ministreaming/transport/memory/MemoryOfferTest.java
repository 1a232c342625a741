package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;

/** {@link MemoryTransport#offerLent}: what it says it took arrives, and what it says it did not take never does. */
class MemoryOfferTest extends MemoryNetworkFixture {

    /** 1.5 MiB: two copies fit an 8 MiB inbox twice, and then one copy more, not its duplicate. */
    private static final int SIZE = 3 << 19;

    @Test
    void anOfferWhoseDuplicateTheInboxRefusesWasTakenAndAnOfferRefusedNeverArrives() throws Exception {
        MemoryTransport alice = endpoint("alice");
        CountDownLatch gate = new CountDownLatch(1);
        gates.add(gate);
        RecordingReceiver bobHears = new RecordingReceiver(gate);
        MemoryTransport bob = started("bob", bobHears);
        alice.reply(bob.localDestination(), ByteBuffer.wrap(new byte[] {-1, -1, -1, -1}).asReadOnlyBuffer());
        Await.until("bob's delivery thread holds the first message", () -> bob.inbox().size() == 0);
        network.setFaults(LinkFaults.NONE.withDuplicatePercent(100));

        List<Integer> taken = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        int refused = -1;
        for (int id = 1; id <= 10 && refused < 0; id++) {
            ByteBuffer message = ByteBuffer.allocate(SIZE).putInt(0, id).asReadOnlyBuffer();
            if (alice.offerLent(bob.localDestination(), message, sent::incrementAndGet)) {
                taken.add(id);
            } else {
                refused = id;
            }
        }
        int queued = bob.inbox().size();
        gate.countDown();
        List<Integer> arrived = new ArrayList<>();
        for (int i = 0; i <= queued; i++) {
            arrived.add(ByteBuffer.wrap(bobHears.next().bytes()).getInt(0));
        }

        assertThat(taken).as("two offers with their duplicates, then one whose duplicate found no room").containsExactly(1, 2, 3);
        assertThat(sent).as("each taken offer let its buffer go, and only those").hasValue(taken.size());
        assertThat(refused).isEqualTo(4);
        assertThat(arrived).containsExactly(-1, 1, 1, 2, 2, 3);
    }
}
