package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;

/**
 * Offers to an inbox ({@link Inbox.Mode#OFFER}): taken only while there is room, never waiting,
 * and {@link Inbox#whenRoom} tells, once, when an offer may be taken again.
 */
class InboxOfferTest {

    private static final Destination FROM = Destination.of("mem:from");
    private static final int BOUND = 100;

    private final List<Inbox.Envelope> delivered = new ArrayList<>();

    private static Inbox.Envelope envelope(int bytes) {
        return new Inbox.Envelope(FROM, ByteBuffer.allocate(bytes).asReadOnlyBuffer(), System.nanoTime());
    }

    private static boolean offer(Inbox inbox, int bytes) throws IOException {
        return inbox.put(envelope(bytes), 0, Inbox.Mode.OFFER, () -> true);
    }

    @Test
    void anOfferIsTakenWhileItFitsOrTheInboxHoldsAtMostHalfAndRefusedOtherwise() throws IOException {
        Inbox inbox = new Inbox(BOUND);

        assertThat(offer(inbox, 40)).isTrue();
        assertThat(offer(inbox, 10)).as("at half, anything is taken").isTrue();
        assertThat(offer(inbox, 50)).as("it fits").isTrue();
        assertThat(offer(inbox, 1)).as("full").isFalse();
        assertThat(inbox.size()).isEqualTo(3);
    }

    @Test
    void whenRoomWaitsUntilTheInboxHoldsAtMostHalfThenRunsOnce() throws IOException {
        Inbox inbox = new Inbox(BOUND);
        for (int i = 0; i < 4; i++) {
            assertThat(offer(inbox, 25)).isTrue();
        }
        assertThat(offer(inbox, 25)).isFalse();
        AtomicInteger woken = new AtomicInteger();

        inbox.whenRoom(woken::incrementAndGet);
        assertThat(inbox.deliverNext(delivered::add)).isTrue();
        assertThat(woken).as("75 bytes held: more than half").hasValue(0);
        assertThat(inbox.deliverNext(delivered::add)).isTrue();

        assertThat(woken).as("50 bytes held").hasValue(1);
        assertThat(offer(inbox, 50)).as("what the wake promised").isTrue();
        inbox.deliverNext(delivered::add);
        inbox.deliverNext(delivered::add);
        assertThat(woken).as("once").hasValue(1);
    }

    @Test
    void whenRoomRunsAtOnceWhenThereIsRoomAlreadyAndWhenTheInboxCloses() throws IOException {
        Inbox inbox = new Inbox(BOUND);
        AtomicInteger woken = new AtomicInteger();
        inbox.whenRoom(woken::incrementAndGet);
        assertThat(woken).hasValue(1);

        offer(inbox, 60);
        offer(inbox, 40);
        inbox.whenRoom(woken::incrementAndGet);
        assertThat(woken).hasValue(1);
        inbox.close();

        assertThat(woken).as("closed: the next offer fails, and says so").hasValue(2);
        assertThatThrownBy(() -> offer(inbox, 1)).isInstanceOf(IOException.class);
    }

    @Test
    void aCutLinkThatDiscardsQueuedMessagesMakesRoom() throws IOException {
        Inbox inbox = new Inbox(BOUND);
        offer(inbox, 60);
        offer(inbox, 40);
        AtomicInteger woken = new AtomicInteger();
        inbox.whenRoom(woken::incrementAndGet);

        inbox.discard(envelope -> envelope.from().equals(FROM));

        assertThat(woken).hasValue(1);
    }

    /** Whatever was queued and taken out, a wake means the next offer is taken, and no wake is lost. */
    @Property(tries = 300)
    void aWakeIsNeverLostAndWhatItPromisesAnOfferKeeps(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = BOUND) Integer> sizes,
            @ForAll @IntRange(min = 0, max = 40) int takenBeforeWaiting) throws IOException {
        Inbox inbox = new Inbox(BOUND);
        for (int size : sizes) {
            offer(inbox, size);
        }
        for (int i = 0; i < takenBeforeWaiting && inbox.size() > 0; i++) {
            inbox.deliverNext(delivered::add);
        }
        if (offer(inbox, BOUND)) {
            return; // room already: nothing to wait for
        }
        AtomicInteger woken = new AtomicInteger();
        inbox.whenRoom(woken::incrementAndGet);
        while (woken.get() == 0 && inbox.size() > 0) {
            inbox.deliverNext(delivered::add);
        }

        assertThat(woken).as("woken once the messages were taken").hasValue(1);
        assertThat(offer(inbox, BOUND)).as("an offer of the largest size after the wake").isTrue();
    }
}
