package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Messages of random sizes between two reliable endpoints that cut them into frames of a random
 * size, and into larger ones of a random size once a round trip is measured (the memory network is
 * a near path: {@link ReliableTransportBuilder#nearPath}), so that the size changes while frames
 * are in flight, over a link that loses, duplicates and reorders frames at random rates: every
 * message arrives once, in order and intact, and messages longer than any frame did travel in segments.
 * The link's faults are seeded; the timers are real, so the rounds differ in their timing, but
 * nothing checked depends on it.
 */
class SegmentPropertiesTest {

    @Property(tries = 25)
    void everyMessageArrivesOnceInOrderAndIntact(@ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 40_000) Integer> sizes,
            @ForAll @IntRange(min = 1100, max = 9000) int maxFrame, @ForAll @IntRange(min = 0, max = 20_000) int nearExtra,
            @ForAll @DoubleRange(min = 0, max = 15) double dropPercent,
            @ForAll @DoubleRange(min = 0, max = 10) double duplicatePercent, @ForAll @IntRange(min = 0, max = 8) int reorderWindow,
            @ForAll long seed) throws Exception {
        MemoryNetwork network = new MemoryNetwork(new Random(seed));
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        int nearFrame = maxFrame + nearExtra;
        ReliableTransport alice = endpoint(network, "alice", maxFrame, nearFrame, aliceHears);
        ReliableTransport bob = endpoint(network, "bob", maxFrame, nearFrame, bobHears);
        try {
            network.setFaults(new LinkFaults(Duration.ZERO, dropPercent, duplicatePercent, reorderWindow));
            bob.send(alice.localDestination(), ByteBuffer.wrap(new byte[] {1}));
            assertThat(aliceHears.next().bytes()).as("bob says he joins segments").containsExactly(1);
            List<byte[]> sent = new ArrayList<>();
            Random bytes = new Random(seed);
            for (int size : sizes) {
                byte[] message = new byte[size];
                bytes.nextBytes(message);
                sent.add(message);
                alice.send(bob.localDestination(), ByteBuffer.wrap(message));
            }

            for (byte[] message : sent) {
                Event event = bobHears.next();
                assertThat(event.isLoss()).as("no loss: %s", event).isFalse();
                assertThat(event.bytes()).as("the next message, intact").isEqualTo(message);
            }
            network.setFaults(LinkFaults.NONE);
            alice.send(bob.localDestination(), ByteBuffer.wrap(new byte[] {2}));
            assertThat(bobHears.next().bytes()).as("nothing more than what was sent arrived").containsExactly(2);
            long longer = sizes.stream().filter(size -> size > nearFrame - Frame.HEADER).count();
            assertThat(alice.statistics().get(ReliableCounter.MESSAGES_SENT)).as("long messages went in several frames")
                    .isGreaterThanOrEqualTo(sizes.size() + 1 + longer);
        } finally {
            alice.close();
            bob.close();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    private static ReliableTransport endpoint(MemoryNetwork network, String name, int maxFrame, int nearFrame, RecordingReceiver receiver)
            throws IOException {
        ReliableTransport transport = ReliableTransport.builder(network.endpoint(name))
                .maxFrame(maxFrame)
                .nearPath(Duration.ofSeconds(10), nearFrame)
                .minRto(Duration.ofMillis(20))
                .initialRto(Duration.ofMillis(50))
                .maxRto(Duration.ofMillis(500))
                .maxRetries(30)
                .ackDelay(Duration.ofMillis(2))
                .closeLinger(Duration.ZERO)
                .random(new Random(name.hashCode()))
                .build();
        transport.start(receiver);
        return transport;
    }
}
