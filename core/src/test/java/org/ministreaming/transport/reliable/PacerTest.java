package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link Pacer} on a clock of the test's own: a sender that numbers frames in a
 * {@link SendWindow}, sends them when the pacer allows, and a path that delivers them at a fixed
 * rate after a fixed delay, losing the ones the test names.
 */
class PacerTest {

    private static final long MS = 1_000_000;
    private static final int FRAME = 1000;
    private static final long RTT = 100 * MS;
    private static final long FLIGHT_BYTES = 20L * FRAME;

    @Test
    void withoutPacingEveryFrameMayLeave() {
        Pacer pacer = new Pacer(false);
        SendWindow<Integer> window = new SendWindow<>(64, 64, 0, 0);
        for (int i = 0; i < 10; i++) {
            SendWindow.Entry<Integer> entry = window.add(i, FRAME);
            window.transmitted(entry, 0, RTT);
            pacer.sent(entry, 0, i == 0, false, RTT, FLIGHT_BYTES);
            assertThat(pacer.allows(0)).isTrue();
        }
    }

    @Test
    void beforeAnyRoundTripNothingIsPacedAndThenTheFlightIsSpreadOverOne() {
        Pacer pacer = new Pacer(true);
        SendWindow<Integer> window = new SendWindow<>(64, 64, 0, 0);
        SendWindow.Entry<Integer> first = window.add(0, FRAME);
        pacer.sent(first, 0, true, false, -1, FLIGHT_BYTES);
        assertThat(pacer.allows(0)).as("no round trip measured: nothing paced").isTrue();

        SendWindow.Entry<Integer> second = window.add(1, FRAME);
        pacer.sent(second, 0, false, false, RTT, FLIGHT_BYTES);
        // 20 frames over 100 ms, without gain until a rate is measured: one every 5 ms, or up to the quantum earlier.
        long due = RTT / 20 - Pacer.QUANTUM_NANOS;
        assertThat(pacer.allows(due - 1)).isFalse();
        assertThat(pacer.allows(due)).isTrue();
        assertThat(pacer.nextSendAt()).isEqualTo(due);
    }

    @Test
    void aPacerStartedFromARateMeasuredBeforePacesItsFirstFramesAtTheProbingGainAboveIt() {
        Pacer pacer = new Pacer(true);
        pacer.startFrom(100_000);
        assertThat(pacer.measuredRate()).isEqualTo(100_000.0);
        assertThat(pacer.gain()).as("no startup").isEqualTo(Pacer.GAIN);
        SendWindow<Integer> window = new SendWindow<>(64, 64, 0, 0);
        pacer.sent(window.add(0, FRAME), 0, true, false, RTT, FLIGHT_BYTES);
        // 1000 bytes at 1.25 x 100,000 bytes per second: 8 ms, not the 5 ms of a flight over the round trip.
        long due = 8 * MS - Pacer.QUANTUM_NANOS;
        assertThat(pacer.allows(due - 1)).isFalse();
        assertThat(pacer.allows(due)).isTrue();
    }

    @Test
    void aPacerStartedFromNoRateIsAFreshOne() {
        Pacer pacer = new Pacer(true);
        pacer.startFrom(0);
        assertThat(pacer.measuredRate()).isZero();
        assertThat(pacer.gain()).isEqualTo(Pacer.STARTUP_GAIN);
        SendWindow<Integer> window = new SendWindow<>(64, 64, 0, 0);
        pacer.sent(window.add(0, FRAME), 0, true, false, RTT, FLIGHT_BYTES);
        assertThat(pacer.allows(RTT / 20 - Pacer.QUANTUM_NANOS)).as("a flight over the round trip").isTrue();
    }

    @Test
    void theRateFollowsWhatThePathDelivers() {
        Path path = new Path(new Pacer(true), 10 * MS, Set.none());
        path.run(400);
        // The path takes a frame every 10 ms: 100,000 bytes per second.
        assertThat(path.pacer.rate(RTT, FLIGHT_BYTES)).isCloseTo(100_000.0, within(5_000.0));
        assertThat(path.pacer.gain()).as("startup over once the rate stopped growing").isEqualTo(Pacer.GAIN);
        assertThat(path.shortestLateGap()).as("frames leave no faster than the gain above what the path takes, give or take the quantum")
                .isGreaterThanOrEqualTo((long) (10 * MS / Pacer.GAIN / 1.05) - Pacer.QUANTUM_NANOS - MS);
        assertThat(path.lateAverageGap()).as("on average, no faster than the gain above it")
                .isGreaterThanOrEqualTo(10 * MS / Pacer.GAIN / 1.05);
    }

    @Test
    void randomLossDoesNotCollapseTheRate() {
        Path lossless = new Path(new Pacer(true), 10 * MS, Set.none());
        lossless.run(400);
        Path lossy = new Path(new Pacer(true), 10 * MS, Set.everyNth(7));
        lossy.run(400);
        double clean = lossless.pacer.rate(RTT, FLIGHT_BYTES);
        double withLoss = lossy.pacer.rate(RTT, FLIGHT_BYTES);
        assertThat(withLoss).as("one frame in 7 lost lowers the rate by about its share, no more").isGreaterThan(0.8 * clean);
        assertThat(lossy.sent).as("the lossy sender keeps sending at about the same pace").isGreaterThan(lossless.sent * 8 / 10);
    }

    @Test
    void lateAcknowledgementsArrivingTogetherDoNotLookFast() {
        Pacer pacer = new Pacer(true);
        SendWindow<Integer> window = new SendWindow<>(64, 64, 0, 0);
        List<SendWindow.Entry<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SendWindow.Entry<Integer> entry = window.add(i, FRAME);
            long at = i * 10 * MS;
            window.transmitted(entry, at, RTT);
            pacer.sent(entry, at, i == 0, false, RTT, FLIGHT_BYTES);
            sent.add(entry);
        }
        // All ten acknowledged at once, 100 ms after the last was sent: 10,000 bytes over 190 ms.
        long now = 190 * MS;
        SendWindow.AckResult<Integer> result = window.acknowledge(10, Sack.NONE, now, 0);
        pacer.delivered(result.delivered(), result.rttSample(), now, RTT);
        assertThat(pacer.rate(RTT, FLIGHT_BYTES)).isCloseTo(10_000 * 1e9 / (190 * MS), within(1.0));
    }

    @Test
    void aSampleTakenShortOfDataDoesNotLowerTheRate() {
        Path path = new Path(new Pacer(true), 10 * MS, Set.none());
        path.run(400);
        double rate = path.pacer.rate(RTT, FLIGHT_BYTES);
        // Lone frames, each sent with nothing else to send and acknowledged a round trip later,
        // for longer than the filter remembers.
        long now = path.now + 20 * RTT;
        for (int i = 0; i < 3 * Pacer.ROUNDS; i++, now += 2 * RTT) {
            SendWindow.Entry<Integer> lone = path.window.add(-1, FRAME);
            path.window.transmitted(lone, now, RTT);
            path.pacer.sent(lone, now, true, true, RTT, FLIGHT_BYTES);
            path.pacer.delivered(List.of(lone), RTT, now + RTT, RTT);
        }
        assertThat(path.pacer.rate(RTT, FLIGHT_BYTES)).as("samples short of data count only when they are higher").isEqualTo(rate);
    }

    /** Which frames the path loses. */
    private interface Set {
        boolean contains(int seq);

        static Set none() {
            return seq -> false;
        }

        static Set everyNth(int n) {
            return seq -> seq % n == n - 1;
        }
    }

    /**
     * A sender that always has data and keeps at most 20 frames outstanding, and a path that
     * serialises one frame per {@code serialise} and acknowledges it a round trip later; a lost
     * frame stops being outstanding when its acknowledgement would have come (the test is of the
     * rate, not of recovery).
     */
    private static final class Path {
        final Pacer pacer;
        final long serialise;
        final Set lost;
        final SendWindow<Integer> window = new SendWindow<>(4096, 4096, 0, 0);
        /** Per frame outstanding: when its acknowledgement (or the news of its loss) comes, and the entry if it arrived. */
        final List<Object[]> outstanding = new ArrayList<>();
        final List<Long> gaps = new ArrayList<>();
        long now;
        long busyUntil;
        int sent;
        long lastSentAt = -1;

        Path(Pacer pacer, long serialise, Set lost) {
            this.pacer = pacer;
            this.serialise = serialise;
            this.lost = lost;
        }

        /** Runs until {@code frames} were sent, a millisecond at a time. */
        void run(int frames) {
            while (sent < frames) {
                acknowledge();
                while (sent < frames && outstanding.size() < 20 && pacer.allows(now)) {
                    send(window.add(sent, FRAME));
                }
                now += MS;
            }
        }

        private void send(SendWindow.Entry<Integer> entry) {
            boolean idle = outstanding.isEmpty();
            window.transmitted(entry, now, RTT);
            pacer.sent(entry, now, idle, false, RTT, FLIGHT_BYTES);
            if (lastSentAt >= 0) {
                gaps.add(now - lastSentAt);
            }
            lastSentAt = now;
            busyUntil = Math.max(busyUntil, now) + serialise;
            outstanding.add(new Object[] {busyUntil + RTT, lost.contains(entry.seq()) ? null : entry});
            sent++;
        }

        @SuppressWarnings("unchecked")
        private void acknowledge() {
            for (int i = 0; i < outstanding.size(); ) {
                Object[] frame = outstanding.get(i);
                if ((long) frame[0] <= now) {
                    outstanding.remove(i);
                    if (frame[1] != null) {
                        pacer.delivered(List.of((SendWindow.Entry<Integer>) frame[1]), RTT, now, RTT);
                    }
                } else {
                    i++;
                }
            }
        }

        /** The average gap between two frames sent in the second half of the run. */
        double lateAverageGap() {
            return gaps.subList(gaps.size() / 2, gaps.size()).stream().mapToLong(Long::longValue).average().orElse(0);
        }

        /** The shortest gap between two frames sent in the second half of the run. */
        long shortestLateGap() {
            return gaps.subList(gaps.size() / 2, gaps.size()).stream().mapToLong(Long::longValue).min().orElse(0);
        }
    }
}
