package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A sender's and a receiver's {@link Credit} accounts for one direction, driven by any schedule
 * of writes, deliveries and reads: the receiver never buffers more than its window, and a writer
 * that waits for credit is always released once the reader has read what arrived; also while the
 * receiver's window grows.
 */
class CreditPropertiesTest {

    /** One step: 0 writes up to {@code amount}, 1 delivers what is in flight, 2 reads up to {@code amount}. */
    record Step(int kind, int amount) {
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 40_000))
                .as(Step::new).list().ofMaxSize(200);
    }

    @Property(tries = 500)
    void theReceiverNeverHoldsMoreThanItsWindowAndAWaitingWriterIsAlwaysReleased(
            @ForAll("schedules") List<Step> schedule, @ForAll @IntRange(min = 1, max = 300_000) int window) {
        Credit sender = new Credit(1 << 16, window);
        Credit receiver = new Credit(window, 1 << 16);
        long inFlight = 0;
        long buffered = 0;
        long creditInFlight = 0;
        for (Step step : schedule) {
            switch (step.kind()) {
                case 0 -> inFlight += sender.take(Math.min(step.amount(), 32768));
                case 1 -> {
                    buffered += inFlight;
                    inFlight = 0;
                    if (creditInFlight > 0) {
                        assertThat(sender.add((int) creditInFlight)).isTrue();
                        creditInFlight = 0;
                    }
                }
                default -> {
                    int read = (int) Math.min(buffered, step.amount());
                    buffered -= read;
                    creditInFlight += read == 0 ? 0 : receiver.consumed(read);
                }
            }
            assertThat(buffered + inFlight).isLessThanOrEqualTo(window);
            assertThat(sender.sendCredit() + inFlight + buffered + creditInFlight).isLessThanOrEqualTo(window);
        }

        // Drain: deliver, read everything, deliver the grants; a writer wanting a full message may go on.
        buffered += inFlight;
        int read = (int) buffered;
        creditInFlight += read == 0 ? 0 : receiver.consumed(read);
        if (creditInFlight > 0) {
            assertThat(sender.add((int) creditInFlight)).isTrue();
        }
        assertThat(sender.take(32768)).isPositive();
    }

    @Provide
    Arbitrary<List<Step>> schedulesWithGrowth() {
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 40_000))
                .as(Step::new).list().ofMaxSize(200);
    }

    @Property(tries = 500)
    void aGrowingWindowKeepsTheSameInvariantAndNeverLetsTheSenderOverrunIt(
            @ForAll("schedulesWithGrowth") List<Step> schedule, @ForAll @IntRange(min = 1, max = 300_000) int window) {
        Credit sender = new Credit(1 << 16, window);
        Credit receiver = new Credit(window, 1 << 16);
        long inFlight = 0;
        long buffered = 0;
        long creditInFlight = 0;
        long readNotGranted = 0;
        for (Step step : schedule) {
            switch (step.kind()) {
                case 0 -> inFlight += sender.take(Math.min(step.amount(), 32768));
                case 1 -> {
                    buffered += inFlight;
                    inFlight = 0;
                    if (creditInFlight > 0) {
                        assertThat(sender.add((int) creditInFlight)).isTrue();
                        creditInFlight = 0;
                    }
                }
                default -> {
                    // 2 reads; 3 reads and, if a grant is due, grows the window first, as ReceiveWindows does
                    int read = (int) Math.min(buffered, step.amount());
                    buffered -= read;
                    if (step.kind() == 3 && read > 0 && receiver.grantDue(read)) {
                        receiver.grow((int) Math.min(1 << 30, receiver.receiveWindow() + (long) step.amount()));
                    }
                    int grant = read == 0 ? 0 : receiver.consumed(read);
                    readNotGranted = grant > 0 ? 0 : readNotGranted + read;
                    creditInFlight += grant;
                }
            }
            assertThat(buffered + inFlight).isLessThanOrEqualTo(receiver.receiveWindow());
            assertThat(sender.sendCredit() + inFlight + buffered + creditInFlight + readNotGranted)
                    .isLessThanOrEqualTo(receiver.receiveWindow());
        }

        buffered += inFlight;
        int read = (int) buffered;
        creditInFlight += read == 0 ? 0 : receiver.consumed(read);
        if (creditInFlight > 0) {
            assertThat(sender.add((int) creditInFlight)).isTrue();
        }
        assertThat(sender.take(32768)).isPositive();
    }

    /**
     * {@link Credit#afterRead} counts a read by itself while no grant is due and hands over to the
     * grant otherwise: the same grants, read for read, as {@link Credit#consumed} on every read,
     * with the grant run exactly when it has credit to give. Step 3 grows the window between reads.
     */
    @Property(tries = 500)
    void countingReadsBetweenGrantsGrantsWhatConsumedGrants(
            @ForAll("schedulesWithGrowth") List<Step> schedule, @ForAll @IntRange(min = 1, max = 300_000) int window) {
        Credit everyRead = new Credit(window, 1 << 16);
        Credit counting = new Credit(window, 1 << 16);
        for (Step step : schedule) {
            if (step.kind() == 3) {
                int grown = (int) Math.min(1 << 30, everyRead.receiveWindow() + (long) step.amount());
                everyRead.grow(grown);
                counting.grow(grown);
            }
            int read = step.amount();
            int expected = everyRead.consumed(read);
            boolean[] ran = new boolean[1];
            int granted = counting.afterRead(read, () -> {
                ran[0] = true;
                return counting.consumed(read);
            });
            assertThat(granted).isEqualTo(expected);
            assertThat(ran[0]).as("the grant ran").isEqualTo(expected > 0);
        }
    }
}
