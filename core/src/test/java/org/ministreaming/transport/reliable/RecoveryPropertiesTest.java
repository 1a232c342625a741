package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A peer's sending half ({@link SendState}) against a receive window over a simulated path of the
 * test's own, on its own clock: each frame and each acknowledgement lost with the chance drawn,
 * delayed by 50 ms give or take 20 (so reordered), the sender's timers run when due; messages are
 * numbered in groups, as a long message's segments are. Whatever the losses, every message arrives
 * once and in order, and no frame goes beyond the window of the peer's
 * acknowledgements; once a round trip is measured a timer run sends
 * at most one message again on a timeout; at most one tail-loss probe goes between two
 * acknowledgements of something new; and a probe never counts as a timeout.
 */
class RecoveryPropertiesTest {

    private static final long MS = 1_000_000;
    private static final int MESSAGES = 120;
    private static final long GIVE_UP_NANOS = 3_600_000 * MS;

    @Property(tries = 200)
    void everyMessageArrivesOnceInOrderAndTimeoutsAndProbesStayWithinTheirRules(@ForAll long seed,
            @ForAll @IntRange(min = 0, max = 30) int lossPercent, @ForAll boolean pacing, @ForAll @IntRange(min = 4, max = 64) int flight,
            @ForAll @IntRange(min = 1, max = 17) int segments, @ForAll boolean wide) {
        Run run = new Run(new Random(seed), lossPercent, pacing, flight, segments, wide ? 160 : 64);
        run.toTheEnd();
        assertThat(run.delivered).as("every message once, in order").hasSize(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(run.delivered.get(i)).isEqualTo(i);
        }
        assertThat(run.send.size()).as("everything acknowledged").isZero();
    }

    /** An arrival on the simulated path: a data frame's sequence number, or an acknowledgement. */
    private record Arrival(long at, int seq, int cumulative, Sack sack, boolean data) {
    }

    private static final class Run {
        final Random random;
        final int lossPercent;
        /** How many messages are numbered together: a 64 KiB message is 17 segments in frames of 4096 bytes. */
        final int segments;
        final Counters counters = new Counters();
        final SendState send;
        /** The window in frames: 64, which the SACK field covers, or more, acknowledged with wide SACKs. */
        final int window;
        final ReceiveWindow<Integer> receive;
        final PriorityQueue<Arrival> path = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
        final List<Integer> delivered = new ArrayList<>();
        long now;
        int numbered;
        /** The sender's window base: the highest cumulative acknowledgement it took. */
        int base;
        boolean probeSinceProgress;

        Run(Random random, int lossPercent, boolean pacing, int flight, int segments, int window) {
            this.random = random;
            this.window = window;
            this.receive = new ReceiveWindow<>(window, 0);
            this.lossPercent = lossPercent;
            // The builder lets no message take more frames than the flight.
            this.segments = Math.min(segments, flight);
            this.send = new SendState(new ReliableTransport.Settings(window, 64, 200 * MS, 1000 * MS, 60_000 * MS, 30, 20 * MS, 0, 4096, 0, 4096, flight,
                    pacing, true, peer -> false, new Random(1)), counters, 0);
        }

        void toTheEnd() {
            while (numbered < MESSAGES || send.size() > 0) {
                assertThat(now).as("the transfer ends").isLessThan(GIVE_UP_NANOS);
                while (numbered < MESSAGES && send.hasRoom(Math.min(segments, MESSAGES - numbered))) {
                    List<Outgoing> group = new ArrayList<>();
                    for (int i = 0; i < segments && numbered < MESSAGES; i++, numbered++) {
                        group.add(new Outgoing(ByteBuffer.wrap(new byte[] {(byte) numbered}), false));
                    }
                    transmit(send.sendNew(group, now));
                }
                long deadline = send.nextDeadline().orElse(Long.MAX_VALUE);
                Arrival arrival = path.peek();
                if (arrival != null && arrival.at() <= deadline) {
                    path.poll();
                    now = Math.max(now, arrival.at());
                    arrive(arrival);
                } else {
                    assertThat(deadline).as("something is due while messages wait").isNotEqualTo(Long.MAX_VALUE);
                    now = Math.max(now, deadline);
                    timer();
                }
            }
        }

        private void timer() {
            boolean measured = send.srtt() >= 0;
            long timeouts = count(ReliableCounter.TIMEOUTS);
            long probes = count(ReliableCounter.TAIL_LOSS_PROBES);
            long retransmitted = count(ReliableCounter.RETRANSMITTED);
            long fast = count(ReliableCounter.FAST_RETRANSMITTED);
            long copies = count(ReliableCounter.TAIL_COPIES);
            SendState.Due due = send.due(now);
            assertThat(due.gaveUp()).as("a peer that answers is never given up").isNull();
            if (measured) {
                assertThat(count(ReliableCounter.TIMEOUTS) - timeouts).as("one message again per timeout").isLessThanOrEqualTo(1);
            }
            long newProbes = count(ReliableCounter.TAIL_LOSS_PROBES) - probes;
            if (newProbes > 0) {
                assertThat(newProbes).isEqualTo(1);
                assertThat(probeSinceProgress).as("one probe until something new is acknowledged").isFalse();
                probeSinceProgress = true;
            }
            assertThat(count(ReliableCounter.RETRANSMITTED) - retransmitted).as("each resend counted once, as a timeout, a fast one, a probe or a tail copy")
                    .isEqualTo(count(ReliableCounter.TIMEOUTS) - timeouts + count(ReliableCounter.FAST_RETRANSMITTED) - fast + newProbes
                            + count(ReliableCounter.TAIL_COPIES) - copies);
            transmit(due.resend());
        }

        private void arrive(Arrival arrival) {
            if (arrival.data()) {
                ReceiveWindow.Result<Integer> result = receive.accept(arrival.seq(), arrival.seq());
                delivered.addAll(result.deliverable());
                if (!lost()) {
                    path.add(new Arrival(now + delay(), 0, receive.cumulative(), receive.sack(window), false));
                }
                return;
            }
            int sizeBefore = send.size();
            int inFlightBefore = send.inFlight();
            List<SendWindow.Entry<Outgoing>> again = send.acknowledge(Frame.ack(0, 7, 9, arrival.cumulative(), arrival.sack()), now);
            base = Math.max(base, arrival.cumulative());
            if (send.size() < sizeBefore || send.inFlight() < inFlightBefore) {
                probeSinceProgress = false;
            }
            transmit(again);
        }

        private void transmit(List<SendWindow.Entry<Outgoing>> entries) {
            for (SendWindow.Entry<Outgoing> entry : entries) {
                assertThat(entry.seq() - base).as("within the window from the base").isLessThan(window);
                if (!lost()) {
                    path.add(new Arrival(now + delay(), entry.seq(), 0, Sack.NONE, true));
                }
            }
        }

        private boolean lost() {
            return random.nextInt(100) < lossPercent;
        }

        private long delay() {
            return (30 + random.nextInt(41)) * MS;
        }

        private long count(ReliableCounter counter) {
            return counters.snapshot().get(counter);
        }
    }
}
