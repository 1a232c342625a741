package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.ministreaming.transport.Destination;

/**
 * The simulated path's model ({@link OneWayPath}, {@link PathConditions}) on a clock the tests
 * give it, and {@link Inbox#putByDue}: loss per message size, the bandwidth and its queue,
 * latency with jitter, and delivery in the order of due times. Nothing here reads the clock.
 */
class OneWayPathPropertiesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Destination FROM = MemoryNetwork.destination("from");

    private static PathConditions lossOnly(double percent) {
        return new PathConditions(Duration.ZERO, Duration.ZERO, percent, 0, 0);
    }

    @Property(tries = 40)
    void aMessageIsLostAsOftenAsOneOfItsFragments(@ForAll @IntRange(min = 0, max = 40_000) int bytes,
            @ForAll @DoubleRange(min = 0, max = 10) double lossPercent, @ForAll long seed) {
        PathConditions conditions = lossOnly(lossPercent);
        OneWayPath path = new OneWayPath(conditions);
        Random random = new Random(seed);
        int messages = 4_000;
        for (int i = 0; i < messages; i++) {
            path.cross(bytes, 0, random);
        }
        double expected = 1 - conditions.deliveryChance(bytes);
        double deviation = Math.sqrt(expected * (1 - expected) / messages);
        double observed = path.counts().fragmentLosses() / (double) messages;
        assertThat(observed).as("share of %d-byte messages lost at %.2f %% per fragment", bytes, lossPercent)
                .isCloseTo(expected, offset(6 * deviation + 1e-9));
        assertThat(path.counts().sent()).isEqualTo(messages);
    }

    @Example
    void fragmentsAreWholeKibibytesAndAnEmptyMessageIsOne() {
        assertThat(PathConditions.fragments(0)).isEqualTo(1);
        assertThat(PathConditions.fragments(1)).isEqualTo(1);
        assertThat(PathConditions.fragments(1024)).isEqualTo(1);
        assertThat(PathConditions.fragments(1025)).isEqualTo(2);
        assertThat(PathConditions.fragments(32772)).isEqualTo(33);
        assertThat(PathConditions.GOOD_I2P.deliveryChance(32772)).isCloseTo(Math.pow(0.995, 33), offset(1e-12));
    }

    @Example
    void everyFragmentLostLosesEveryMessageAndNoLossLosesNone() {
        Random random = new Random(1);
        OneWayPath stalled = new OneWayPath(lossOnly(100));
        OneWayPath perfect = new OneWayPath(lossOnly(0));
        for (int i = 0; i < 100; i++) {
            assertThat(stalled.cross(i * 100, 0, random).outcome()).isEqualTo(OneWayPath.Outcome.FRAGMENT_LOST);
            assertThat(perfect.cross(i * 100, 0, random).outcome()).isEqualTo(OneWayPath.Outcome.DELIVERED);
        }
    }

    /**
     * Messages sent at any times, none lost and no latency: each arrives no sooner than its
     * fragments take at the bandwidth after it was sent and after the one before it has
     * arrived, and one is dropped only when the fragments waiting ahead of it would overflow
     * the queue.
     */
    @Property(tries = 200)
    void theBandwidthAndItsQueueAreRespected(@ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 40_000) Integer> sizes,
            @ForAll @Size(min = 200, max = 200) List<@IntRange(min = 0, max = 300_000_000) Integer> gaps,
            @ForAll @IntRange(min = 1024, max = 1_000_000) int bytesPerSecond, @ForAll @IntRange(min = 0, max = 300_000) int queueBytes) {
        OneWayPath path = new OneWayPath(new PathConditions(Duration.ZERO, Duration.ZERO, 0, bytesPerSecond, queueBytes));
        Random random = new Random(0);
        long now = 0;
        long previousDue = 0;
        long delivered = 0;
        for (int i = 0; i < sizes.size(); i++) {
            now += gaps.get(i);
            long wire = (long) PathConditions.fragments(sizes.get(i)) * PathConditions.FRAGMENT_BYTES;
            long serialisation = wire * SECOND / bytesPerSecond;
            long waitingBytes = Math.max(0, previousDue - now) * bytesPerSecond / SECOND;
            OneWayPath.Crossing crossing = path.cross(sizes.get(i), now, random);
            if (crossing.outcome() == OneWayPath.Outcome.QUEUE_FULL) {
                assertThat(previousDue).as("dropped with the path idle").isGreaterThan(now);
                assertThat(waitingBytes + wire + PathConditions.FRAGMENT_BYTES).as("dropped with room in the queue").isGreaterThan(queueBytes);
                continue;
            }
            assertThat(crossing.outcome()).isEqualTo(OneWayPath.Outcome.DELIVERED);
            assertThat(crossing.dueNanos()).isGreaterThanOrEqualTo(now + serialisation).isGreaterThanOrEqualTo(previousDue + serialisation);
            assertThat(waitingBytes).as("bytes waiting ahead of an accepted message").isLessThanOrEqualTo(queueBytes + PathConditions.FRAGMENT_BYTES);
            previousDue = crossing.dueNanos();
            delivered++;
        }
        assertThat(path.counts().delivered()).isEqualTo(delivered);
    }

    @Example
    void aBurstBeyondTheQueueIsDroppedAndTheDrainedPathTakesMessagesAgain() {
        OneWayPath path = new OneWayPath(new PathConditions(Duration.ZERO, Duration.ZERO, 0, 10 * 1024, 4 * 1024));
        Random random = new Random(0);
        List<OneWayPath.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(path.cross(1024, 0, random).outcome());
        }
        // The 4 KiB queue counts the fragments on their way too: four messages fit.
        assertThat(outcomes).containsExactly(OneWayPath.Outcome.DELIVERED, OneWayPath.Outcome.DELIVERED, OneWayPath.Outcome.DELIVERED,
                OneWayPath.Outcome.DELIVERED, OneWayPath.Outcome.QUEUE_FULL, OneWayPath.Outcome.QUEUE_FULL, OneWayPath.Outcome.QUEUE_FULL,
                OneWayPath.Outcome.QUEUE_FULL);
        assertThat(path.counts()).isEqualTo(new PathCounts(4, 0, 4));
        OneWayPath.Crossing later = path.cross(1024, SECOND, random);
        assertThat(later.outcome()).isEqualTo(OneWayPath.Outcome.DELIVERED);
        assertThat(later.dueNanos()).as("the path drained after 0.4 s").isEqualTo(SECOND + SECOND / 10);
    }

    @Property(tries = 100)
    void latencyStaysWithinItsJitter(@ForAll @IntRange(min = 0, max = 2_000) int latencyMillis, @ForAll @IntRange(min = 0, max = 2_000) int jitterMillis,
            @ForAll long seed) {
        int jitter = Math.min(jitterMillis, latencyMillis);
        OneWayPath path = new OneWayPath(new PathConditions(Duration.ofMillis(latencyMillis), Duration.ofMillis(jitter), 0, 0, 0));
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            long due = path.cross(100, 5 * SECOND, random).dueNanos() - 5 * SECOND;
            assertThat(due).isBetween(Duration.ofMillis(latencyMillis - jitter).toNanos(), Duration.ofMillis(latencyMillis + jitter).toNanos());
        }
    }

    @Example
    void newConditionsApplyFromNowAndTheQueueKeepsItsPlace() {
        OneWayPath path = new OneWayPath(new PathConditions(Duration.ZERO, Duration.ZERO, 0, 1024, 100_000));
        Random random = new Random(0);
        assertThat(path.cross(1024, 0, random).dueNanos()).isEqualTo(SECOND);
        path.setConditions(new PathConditions(Duration.ZERO, Duration.ZERO, 100, 1024, 100_000));
        assertThat(path.cross(1024, 0, random).outcome()).isEqualTo(OneWayPath.Outcome.FRAGMENT_LOST);
        path.setConditions(new PathConditions(Duration.ZERO, Duration.ZERO, 0, 1024, 100_000));
        assertThat(path.cross(1024, 0, random).dueNanos()).as("behind the delivered and the lost message").isEqualTo(3 * SECOND);
    }

    @Property(tries = 200)
    void theInboxHandsOverInTheOrderOfDueTimesAndKeepsTiesInOrder(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 20) Integer> dueMillisAgo)
            throws Exception {
        Inbox inbox = new Inbox(1 << 20);
        long base = System.nanoTime() - Duration.ofSeconds(1).toNanos();
        for (int i = 0; i < dueMillisAgo.size(); i++) {
            ByteBuffer tag = ByteBuffer.allocate(4).putInt(0, i);
            assertThat(inbox.putByDue(new Inbox.Envelope(FROM, tag, base + Duration.ofMillis(dueMillisAgo.get(i)).toNanos()))).isTrue();
        }
        List<long[]> taken = new ArrayList<>();
        for (int i = 0; i < dueMillisAgo.size(); i++) {
            assertThat(inbox.deliverNext(envelope -> taken.add(new long[] {envelope.dueNanos(), envelope.bytes().getInt(0)}))).isTrue();
        }
        assertThat(taken).hasSameSizeAs(dueMillisAgo);
        assertThat(inbox.size()).isZero();
        for (int i = 1; i < taken.size(); i++) {
            long[] before = taken.get(i - 1);
            long[] after = taken.get(i);
            assertThat(after[0]).isGreaterThanOrEqualTo(before[0]);
            if (after[0] == before[0]) {
                assertThat(after[1]).as("ties in the order they were put").isGreaterThan(before[1]);
            }
        }
    }

    @Example
    void aFullInboxDropsWhatComesByDueAndAClosedOneFails() throws Exception {
        Inbox inbox = new Inbox(100);
        assertThat(inbox.putByDue(new Inbox.Envelope(FROM, ByteBuffer.allocate(80), 0))).isTrue();
        assertThat(inbox.putByDue(new Inbox.Envelope(FROM, ByteBuffer.allocate(30), 0))).isFalse();
        assertThat(inbox.size()).isEqualTo(1);
        inbox.close();
        assertThatThrownBy(() -> inbox.putByDue(new Inbox.Envelope(FROM, ByteBuffer.allocate(1), 0))).isInstanceOf(java.io.IOException.class);
    }

    @Example
    void conditionsAreValidated() {
        assertThatThrownBy(() -> new PathConditions(Duration.ofMillis(10), Duration.ofMillis(11), 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> lossOnly(100.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-100");
        assertThatThrownBy(() -> lossOnly(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathConditions(Duration.ZERO, Duration.ZERO, 0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PathConditions.GOOD_I2P.roundTrip()).isEqualTo(Duration.ofMillis(400));
        assertThat(PathConditions.POOR_I2P.roundTrip()).isEqualTo(Duration.ofMillis(1500));
        assertThat(PathConditions.GOOD_I2P.withFragmentLossPercent(100).fragmentLossPercent()).isEqualTo(100);
    }
}
