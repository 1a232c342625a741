package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Data offered to a link's send queue without waiting for room ({@link OutboundQueue#offerData}),
 * and the wake-up that says when to offer again ({@link OutboundQueue#whenRoom}).
 */
class OutboundQueueOfferTest {

    @Test
    void anOfferToAFullLaneTakesNothingAndTheWakeComesOnceTheWriterLeavesItHalfEmpty() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.offerData(message(6))).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerData(message(4))).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerData(message(1))).isEqualTo(OutboundQueue.Offer.FULL);
        assertThat(queue.queuedBytes()).as("the refused offer took nothing").isEqualTo(10);

        AtomicInteger woken = new AtomicInteger();
        queue.whenRoom(woken::incrementAndGet);
        assertThat(woken).as("no room yet").hasValue(0);
        assertThat(queue.poll(Frames.LENGTH_BYTES + 6)).hasSize(1);
        queue.written();
        assertThat(woken).as("4 bytes of 10 held: the lane is at most half full").hasValue(1);
        assertThat(queue.offerData(message(1))).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.poll(Integer.MAX_VALUE)).hasSize(2);
        assertThat(woken).as("each wake runs once").hasValue(1);
    }

    @Test
    void aWakeAskedForWhileThereIsRoomRunsAtOnce() {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        AtomicInteger woken = new AtomicInteger();
        queue.whenRoom(woken::incrementAndGet);
        assertThat(woken).hasValue(1);
    }

    @Test
    void whileDiallingOffersTakeNothingAndTheConnectedLinkWakesThem() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, false, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.offerData(message(1))).isEqualTo(OutboundQueue.Offer.FULL);
        AtomicInteger woken = new AtomicInteger();
        queue.whenRoom(woken::incrementAndGet);
        assertThat(woken).hasValue(0);
        queue.markReady();
        assertThat(woken).hasValue(1);
        assertThat(queue.offerData(message(1))).isEqualTo(OutboundQueue.Offer.QUEUED);
    }

    @Test
    void aFailedQueueWakesItsWaitersAndTheirNextOfferGetsTheCause() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.offerData(message(10));
        AtomicInteger woken = new AtomicInteger();
        queue.whenRoom(woken::incrementAndGet);
        queue.fail(new IOException("the link to tcp://peer:1 failed: reset"));
        assertThat(woken).hasValue(1);
        assertThatThrownBy(() -> queue.offerData(message(1))).isInstanceOf(IOException.class).hasMessageContaining("reset");
        AtomicInteger late = new AtomicInteger();
        queue.whenRoom(late::incrementAndGet);
        assertThat(late).as("a wake asked for after the end runs at once").hasValue(1);
    }

    @Test
    void aFinishingQueueWakesItsWaitersAndRefusesTheirOffers() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.offerData(message(10));
        AtomicInteger woken = new AtomicInteger();
        queue.whenRoom(woken::incrementAndGet);
        queue.finish();
        assertThat(woken).hasValue(1);
        assertThatThrownBy(() -> queue.offerData(message(1))).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aRetiredQueueTakesNoOfferAndSaysSo() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.retireIfEmpty()).isTrue();
        assertThat(queue.offerData(message(1))).isEqualTo(OutboundQueue.Offer.CLOSED);
    }

    @Test
    void aWaiterThatFailsDoesNotKeepTheOthersWaiting() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.offerData(message(10));
        AtomicInteger woken = new AtomicInteger();
        queue.whenRoom(() -> {
            throw new IllegalStateException("a defective waiter");
        });
        queue.whenRoom(woken::incrementAndGet);
        queue.poll(Integer.MAX_VALUE);
        assertThat(woken).hasValue(1);
    }

    /**
     * Whatever the sizes and the bound: an offer made right after a wake ran is taken (no offer
     * loops on a wake that promised room), and the lane never holds more than its bound or half
     * of it plus the last message offered.
     */
    @Property
    void aWakeIsAPromiseAnOfferKeeps(@ForAll @IntRange(min = 1, max = 1000) int bound,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 600) Integer> sizes) throws IOException {
        OutboundQueue queue = new OutboundQueue(bound, true, new SendBudget(Long.MAX_VALUE));
        for (int size : sizes) {
            if (queue.offerData(message(size)) == OutboundQueue.Offer.FULL) {
                AtomicInteger woken = new AtomicInteger();
                queue.whenRoom(woken::incrementAndGet);
                if (woken.get() == 0) {
                    queue.poll(Frames.LENGTH_BYTES + size);
                    queue.written();
                }
                if (woken.get() == 0) {
                    queue.poll(Integer.MAX_VALUE);
                    queue.written();
                }
                assertThat(woken).as("a lane emptied by the writer wakes its waiter").hasValue(1);
                assertThat(queue.offerData(message(size))).isEqualTo(OutboundQueue.Offer.QUEUED);
            }
            assertThat(queue.queuedBytes()).isLessThanOrEqualTo(Math.max(bound, bound / 2 + size));
        }
    }

    private static Outbound message(int size) {
        return new Outbound(ByteBuffer.wrap(new byte[size]).asReadOnlyBuffer(), Frames.EMPTY);
    }
}
