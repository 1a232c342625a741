package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A peer's sending half on the test's own clock: the retransmission timer restarts when the
 * cumulative acknowledgement moves (RFC 6298), not on selective acknowledgements; a timeout sends
 * only the oldest frame again; an acknowledged repair shows RACK what before it was lost; a
 * tail-loss probe goes when the sender stopped and nothing is acknowledged; with pacing, the
 * frames of a message are numbered at once and leave spaced out, and when a burst that kept the
 * path busy ends, the frames in flight go once more into the room the path has (tail copies).
 */
class SendStateTest {

    private static final long MS = 1_000_000;
    private static final long INITIAL_RTO = 1000 * MS;

    private static ReliableTransport.Settings settings(boolean pacing, int flight) {
        return settings(pacing, flight, true);
    }

    private static ReliableTransport.Settings settings(boolean pacing, int flight, boolean tailCopies) {
        return new ReliableTransport.Settings(64, 64, 200 * MS, INITIAL_RTO, 60_000 * MS, 8, 20 * MS, 0, 4096, 0, 4096, flight, pacing,
                tailCopies, peer -> false, new Random(1));
    }

    private static ReliableTransport.Settings nearAt20Ms() {
        return new ReliableTransport.Settings(64, 64, 200 * MS, INITIAL_RTO, 60_000 * MS, 8, 5 * MS, 0, 4096, 20 * MS, 16384, 64, false,
                true, peer -> false, new Random(1));
    }

    private static List<Outgoing> messages(int count, int bytes) {
        List<Outgoing> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new Outgoing(ByteBuffer.allocate(bytes), false));
        }
        return messages;
    }

    private static List<Integer> seqs(List<SendWindow.Entry<Outgoing>> entries) {
        return entries.stream().map(SendWindow.Entry::seq).toList();
    }

    @Test
    void aMoveOfTheCumulativeAcknowledgementRestartsTheTimer() {
        SendState send = new SendState(settings(false, 64), new Counters(), 0);
        assertThat(seqs(send.sendNew(messages(2, 100), 0))).containsExactly(0, 1);

        send.acknowledge(Frame.ack(7, 9, 1, 0), 900 * MS);

        assertThat(send.due(1100 * MS).resend()).as("frame 1's own timer ran out, but the timer restarted at 900 ms").isEmpty();
        // Frame 1 left at 0: a tail-loss probe is due a round trip (900 ms), its quarter and the RTO floor later.
        long probeAt = 900 * MS + 900 * MS / 4 + 200 * MS;
        assertThat(probeAt).isLessThan(900 * MS + send.rto());
        assertThat(send.nextDeadline()).as("the probe, before the restarted timer").hasValue(probeAt);
    }

    @Test
    void framesGrowToTheNearPathsOnceTheShortestRoundTripIsBelowItsBound() {
        SendState send = new SendState(nearAt20Ms(), new Counters(), 0);
        assertThat(send.frameBytes()).as("no round trip measured yet").isEqualTo(4096);
        send.sendNew(messages(1, 100), 0);
        send.acknowledge(Frame.ack(7, 9, 1, 0), 50 * MS);
        assertThat(send.frameBytes()).as("50 ms: far").isEqualTo(4096);

        send.sendNew(messages(1, 100), 60 * MS);
        send.acknowledge(Frame.ack(7, 9, 2, 0), 80 * MS);
        assertThat(send.frameBytes()).as("20 ms, not below the bound: far").isEqualTo(4096);

        send.sendNew(messages(1, 100), 90 * MS);
        send.acknowledge(Frame.ack(7, 9, 3, 0), 109 * MS);
        assertThat(send.frameBytes()).as("19 ms: near").isEqualTo(16384);

        send.fresh();
        assertThat(send.frameBytes()).as("a peer started afresh is measured afresh").isEqualTo(4096);
    }

    @Test
    void aPeerMetAgainKeepsItsShortestRoundTripAndSoItsFrames() {
        SendState near = new SendState(nearAt20Ms(), new Counters(), 0);
        near.startFrom(3 * MS, 0);
        SendState far = new SendState(nearAt20Ms(), new Counters(), 0);
        far.startFrom(200 * MS, 0);

        assertThat(near.frameBytes()).isEqualTo(16384);
        assertThat(near.shortestRtt()).isEqualTo(3 * MS);
        assertThat(far.frameBytes()).isEqualTo(4096);
    }

    @Test
    void aSelectiveAcknowledgementDoesNotRestartTheTimer() {
        SendState send = new SendState(settings(false, 64), new Counters(), 0);
        send.sendNew(messages(3, 100), 0);

        // 1 and 2 arrived, 0 did not: the base stays, so 0's timer runs out as set.
        send.acknowledge(Frame.ack(7, 9, 0, 0b11), 900 * MS);

        assertThat(seqs(send.due(INITIAL_RTO).resend())).containsExactly(0);
    }

    @Test
    void beforeAnyRoundTripPacingSpreadsAFlightOverTheInitialRto() {
        SendState send = new SendState(settings(true, 28), new Counters(), 0);

        List<SendWindow.Entry<Outgoing>> first = send.sendNew(messages(9, 4000), 0);

        assertThat(first).as("no round trip measured: the first frame leaves, the others wait").hasSize(1);
        // 28 frames of 4096 bytes over the initial RTO of 1 s: 4026 bytes (payload and header) take 35 ms.
        long spacing = (long) ((4000 + Frame.HEADER) * 1e9 / (28 * 4096.0 * 1e9 / INITIAL_RTO));
        assertThat(send.nextDeadline()).hasValue(spacing - Pacer.QUANTUM_NANOS);
    }

    @Test
    void withPacingTheFramesOfAMessageAreNumberedAtOnceAndLeaveSpacedOut() {
        SendState send = new SendState(settings(true, 28), new Counters(), 0);
        // One round trip measured: 100 ms.
        send.sendNew(messages(1, 100), 0);
        send.acknowledge(Frame.ack(7, 9, 1, 0), 100 * MS);

        long now = 200 * MS;
        assertThat(send.hasRoom(9)).isTrue();
        List<SendWindow.Entry<Outgoing>> first = send.sendNew(messages(9, 4000), now);
        assertThat(first).as("the first frame leaves, the others wait for the pacer").hasSize(1);
        assertThat(send.size()).as("all nine numbered").isEqualTo(9);
        long next = send.nextDeadline().orElseThrow();
        assertThat(next).as("the next one is due before its retransmission timer").isBetween(now, now + send.rto() - 1);

        List<Integer> sent = new ArrayList<>(seqs(first));
        for (long at = now; sent.size() < 9 && at < now + 100 * MS; at = send.nextDeadline().orElseThrow()) {
            sent.addAll(seqs(send.due(at).resend()));
        }
        assertThat(sent).as("all go out, in order, within the round trip").containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void withPacingALongMessageIsNumberedOnceItsFirstFrameFitsAndTheRestWaitForTheWindow() {
        SendState send = new SendState(settings(true, 64), new Counters(), 0);
        send.sendNew(messages(1, 100), 0);
        send.acknowledge(Frame.ack(7, 9, 1, 0), 100 * MS);
        List<Integer> sent = new ArrayList<>(seqs(send.sendNew(messages(60, 100), 200 * MS)));

        assertThat(send.hasRoom(9)).as("60 of the window's 64 places taken: the first of nine segments fits").isTrue();
        sent.addAll(seqs(send.sendNew(messages(9, 100), 200 * MS)));
        assertThat(send.size()).isEqualTo(69);
        assertThat(send.hasRoom(1)).as("the window is full").isFalse();
        assertThat(send.hasRoomWithAllowance(64)).as("the replies' allowance beyond it is whole").isTrue();

        for (long at = 200 * MS; at < 300 * MS; at += MS) {
            sent.addAll(seqs(send.due(at).resend()));
        }
        assertThat(sent).as("frames 1 to 60 and the segments up to the window's end, 64").hasSize(64).doesNotContain(65, 66, 67, 68, 69);

        List<Integer> after = new ArrayList<>(seqs(send.acknowledge(Frame.ack(7, 9, 6, 0), 300 * MS)));
        for (long at = 300 * MS; at < 400 * MS; at += MS) {
            after.addAll(seqs(send.due(at).resend()));
        }
        assertThat(after).as("the base moved by five: the five waiting go").containsExactly(65, 66, 67, 68, 69);
    }

    /** A round trip of 100 ms measured on frame 0 (RTO 300 ms: 100 + 4 x 50), the clock then at 100 ms. */
    private static SendState measured(Counters counters) {
        SendState send = new SendState(settings(false, 64), counters, 0);
        send.sendNew(messages(1, 100), 0);
        send.acknowledge(Frame.ack(7, 9, 1, 0), 100 * MS);
        assertThat(send.srtt()).isEqualTo(100 * MS);
        return send;
    }

    @Test
    void aTimeoutSendsOnlyTheOldestFrameAgainAndRestartsTheOthersTimers() {
        Counters counters = new Counters();
        SendState send = measured(counters);
        send.sendNew(messages(3, 100), 200 * MS);

        SendState.Due due = send.due(500 * MS);

        assertThat(seqs(due.resend())).as("all three timers ran out; only the oldest is sent again").containsExactly(1);
        assertThat(counters.snapshot().get(ReliableCounter.TIMEOUTS)).isEqualTo(1);
        assertThat(send.due(500 * MS).resend()).as("the others' timers restarted").isEmpty();
        assertThat(send.nextDeadline()).as("an RTO, backed off, from now").hasValue(500 * MS + send.rto());
    }

    @Test
    void anAcknowledgedRepairShowsRackThatWhatWentBeforeItWasLost() {
        SendState send = measured(new Counters());
        send.sendNew(messages(3, 100), 200 * MS);
        assertThat(seqs(send.due(500 * MS).resend())).containsExactly(1);

        // 1's acknowledgement comes a round trip after its repair left: it answers the repair,
        // so 2 and 3, sent before the repair and still missing, were lost.
        List<SendWindow.Entry<Outgoing>> again = send.acknowledge(Frame.ack(7, 9, 2, 0), 620 * MS);

        assertThat(seqs(again)).containsExactly(2, 3);
    }

    @Test
    void anAcknowledgementTooSoonAfterARepairAnswersTheFirstCopyAndShowsNothing() {
        SendState send = measured(new Counters());
        send.sendNew(messages(3, 100), 200 * MS);
        assertThat(seqs(send.due(500 * MS).resend())).containsExactly(1);

        // 50 ms after the repair, less than the shortest round trip: the first copy arrived late.
        List<SendWindow.Entry<Outgoing>> again = send.acknowledge(Frame.ack(7, 9, 2, 0), 550 * MS);

        assertThat(again).isEmpty();
    }

    @Test
    void aTailLossProbeSendsTheLastFrameAgainBeforeTheRestartedTimerRunsOut() {
        Counters counters = new Counters();
        SendState send = measured(counters);
        send.sendNew(messages(2, 100), 200 * MS);
        // 1 arrives, 2 (the last frame sent) does not: the timer restarts at 300 ms, to run out at 550 ms.
        send.acknowledge(Frame.ack(7, 9, 2, 0), 300 * MS);
        long rto = send.rto();
        long probeAt = 200 * MS + send.srtt() + send.srtt() / 4 + 200 * MS;
        assertThat(probeAt).isLessThan(300 * MS + rto);
        assertThat(send.nextDeadline()).hasValue(probeAt);

        assertThat(send.due(probeAt - 1).resend()).isEmpty();
        assertThat(seqs(send.due(probeAt).resend())).containsExactly(2);

        assertThat(counters.snapshot().get(ReliableCounter.TAIL_LOSS_PROBES)).isEqualTo(1);
        assertThat(counters.snapshot().get(ReliableCounter.TIMEOUTS)).as("a probe is no timeout").isZero();
        assertThat(send.rto()).as("nor does it back the RTO off").isEqualTo(rto);
        assertThat(send.probeAt()).as("one probe until something new is acknowledged").isEmpty();
        assertThat(seqs(send.due(probeAt + 10 * send.srtt()).resend())).as("then the timer, not another probe").containsExactly(2);
        assertThat(counters.snapshot().get(ReliableCounter.TAIL_LOSS_PROBES)).isEqualTo(1);
    }

    @Test
    void noTailLossProbeWhileNothingIsInFlightOrBeforeARoundTrip() {
        SendState fresh = new SendState(settings(false, 64), new Counters(), 0);
        fresh.sendNew(messages(1, 100), 0);
        assertThat(fresh.probeAt()).as("no round trip measured").isEmpty();

        SendState idle = measured(new Counters());
        assertThat(idle.probeAt()).as("everything acknowledged").isEmpty();
    }

    @Test
    void whenABurstThatKeptThePathBusyEndsTheFramesInFlightGoOnceMoreNewestFirst() {
        Counters counters = new Counters();
        PathOf100Ms path = new PathOf100Ms(new SendState(settings(true, 16), counters, 0));
        path.send(60, 1000);
        path.run();

        assertThat(path.copies).as("copies went").isNotEmpty();
        assertThat(path.copies).as("each frame once, newest first").isSortedAccordingTo((a, b) -> Integer.compare(b, a)).doesNotHaveDuplicates();
        assertThat(path.copies.get(0)).as("the last frame first").isEqualTo(60);
        assertThat(path.copies).as("of the frames still in flight, at most a flight").allMatch(seq -> seq > 60 - 16);
        assertThat(counters.snapshot().get(ReliableCounter.TAIL_COPIES)).isEqualTo(path.copies.size());
        assertThat(counters.snapshot().get(ReliableCounter.RETRANSMITTED)).isEqualTo(path.copies.size());
    }

    @Test
    void withTailCopiesOffABurstThatKeptThePathBusyEndsWithoutCopies() {
        Counters counters = new Counters();
        PathOf100Ms path = new PathOf100Ms(new SendState(settings(true, 16, false), counters, 0));
        path.send(60, 1000);
        path.run();

        assertThat(path.copies).isEmpty();
        assertThat(counters.snapshot().get(ReliableCounter.TAIL_COPIES)).isZero();
    }

    @Test
    void requestsAndRepliesAfterABurstGetNoTailCopies() {
        Counters counters = new Counters();
        PathOf100Ms path = new PathOf100Ms(new SendState(settings(true, 16), counters, 0));
        path.send(60, 1000);
        path.run();
        long copies = counters.snapshot().get(ReliableCounter.TAIL_COPIES);
        path.copies.clear();

        // One at a time, each after the one before was acknowledged: the path is never busy.
        for (int request = 0; request < 20; request++) {
            path.send(1, 1000);
            path.run();
        }
        assertThat(path.copies).isEmpty();
        assertThat(counters.snapshot().get(ReliableCounter.TAIL_COPIES)).isEqualTo(copies);
    }

    @Test
    void whileALostFrameHoldsTheFullWindowBackItsRepairGoesOnceMoreWhenThePathHasRoom() {
        Counters counters = new Counters();
        SendState send = new SendState(new ReliableTransport.Settings(16, 16, 200 * MS, INITIAL_RTO, 60_000 * MS, 8, 20 * MS, 0, 4096, 0, 4096, 16, true,
                true, peer -> false, new Random(1)), counters, 0);
        PathOf100Ms path = new PathOf100Ms(send);
        path.lose(30);
        path.send(60, 1000);
        path.run();

        assertThat(path.copies.stream().filter(seq -> seq == 30)).as("repaired, then copied once").hasSize(2);
        assertThat(path.copies.indexOf(30)).as("the copy went before the burst's end").isLessThan(path.copies.indexOf(60));
    }

    /**
     * A path whose bottleneck carries a frame each 10 ms, 100 ms of round trip besides, that loses
     * the first copy of the frames it is told to and acknowledges cumulatively and selectively;
     * it notes the frames sent more than once.
     */
    private static final class PathOf100Ms {
        private record Ack(long at, int cumulative, long sack) {
        }

        final SendState send;
        final PriorityQueue<Ack> acks = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
        final boolean[] arrived = new boolean[1024];
        final boolean[] lose = new boolean[1024];
        final List<Integer> copies = new ArrayList<>();
        long now;
        long bottleneckFree;
        int cumulative;
        int waiting;
        int bytes;

        PathOf100Ms(SendState send) {
            this.send = send;
            send.sendNew(messages(1, 100), 0);
            send.acknowledge(Frame.ack(7, 9, 1, 0), 100 * MS);
            now = 100 * MS;
            cumulative = 1;
            arrived[0] = true;
        }

        void lose(int seq) {
            lose[seq] = true;
        }

        /** Writes {@code count} messages of {@code bytes}, each numbered once the window has room for it. */
        void send(int count, int bytes) {
            waiting = count;
            this.bytes = bytes;
        }

        void run() {
            while (waiting > 0 || send.size() > 0) {
                while (waiting > 0 && send.hasRoom(1)) {
                    carry(send.sendNew(messages(1, bytes), now));
                    waiting--;
                }
                long deadline = send.nextDeadline().orElse(Long.MAX_VALUE);
                Ack ack = acks.peek();
                if (ack != null && ack.at() <= deadline) {
                    acks.poll();
                    now = Math.max(now, ack.at());
                    carry(send.acknowledge(Frame.ack(7, 9, ack.cumulative(), ack.sack()), now));
                } else {
                    assertThat(deadline).as("something is due").isNotEqualTo(Long.MAX_VALUE);
                    now = Math.max(now, deadline);
                    carry(send.due(now).resend());
                }
            }
        }

        private void carry(List<SendWindow.Entry<Outgoing>> entries) {
            for (SendWindow.Entry<Outgoing> entry : entries) {
                if (entry.transmissions() > 1) {
                    copies.add(entry.seq());
                }
                bottleneckFree = Math.max(now, bottleneckFree) + 10 * MS;
                if (lose[entry.seq()]) {
                    lose[entry.seq()] = false;
                    continue;
                }
                arrived[entry.seq()] = true;
                while (arrived[cumulative]) {
                    cumulative++;
                }
                long sack = 0;
                for (int i = 0; i < 64 && cumulative + 1 + i < arrived.length; i++) {
                    sack |= arrived[cumulative + 1 + i] ? 1L << i : 0;
                }
                acks.add(new Ack(bottleneckFree + 90 * MS, cumulative, sack));
            }
        }
    }
}
