package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A peer's sending half on the test's own clock: the retransmission timer restarts when the
 * cumulative acknowledgement moves (RFC 6298), not on selective acknowledgements; with pacing,
 * the frames of a message are numbered at once and leave spaced out.
 */
class SendStateTest {

    private static final long MS = 1_000_000;
    private static final long INITIAL_RTO = 1000 * MS;

    private static ReliableTransport.Settings settings(boolean pacing, int flight) {
        return new ReliableTransport.Settings(64, 64, 200 * MS, INITIAL_RTO, 60_000 * MS, 8, 20 * MS, 0, 4096, flight, pacing,
                peer -> false, new Random(1));
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
        SendState send = new SendState(settings(false, 64), new Counters());
        assertThat(seqs(send.sendNew(messages(2, 100), 0))).containsExactly(0, 1);

        send.acknowledge(Frame.ack(7, 9, 1, 0), 900 * MS);

        assertThat(send.due(1100 * MS).resend()).as("frame 1's own timer ran out, but the timer restarted at 900 ms").isEmpty();
        assertThat(send.nextDeadline()).hasValue(900 * MS + send.rto());
        assertThat(seqs(send.due(900 * MS + send.rto()).resend())).containsExactly(1);
    }

    @Test
    void aSelectiveAcknowledgementDoesNotRestartTheTimer() {
        SendState send = new SendState(settings(false, 64), new Counters());
        send.sendNew(messages(3, 100), 0);

        // 1 and 2 arrived, 0 did not: the base stays, so 0's timer runs out as set.
        send.acknowledge(Frame.ack(7, 9, 0, 0b11), 900 * MS);

        assertThat(seqs(send.due(INITIAL_RTO).resend())).containsExactly(0);
    }

    @Test
    void beforeAnyRoundTripPacingSpreadsAFlightOverTheInitialRto() {
        SendState send = new SendState(settings(true, 28), new Counters());

        List<SendWindow.Entry<Outgoing>> first = send.sendNew(messages(9, 4000), 0);

        assertThat(first).as("no round trip measured: the first frame leaves, the others wait").hasSize(1);
        // 28 frames of 4096 bytes over the initial RTO of 1 s: 4026 bytes (payload and header) take 35 ms.
        long spacing = (long) ((4000 + Frame.HEADER) * 1e9 / (28 * 4096.0 * 1e9 / INITIAL_RTO));
        assertThat(send.nextDeadline()).hasValue(spacing - Pacer.QUANTUM_NANOS);
    }

    @Test
    void withPacingTheFramesOfAMessageAreNumberedAtOnceAndLeaveSpacedOut() {
        SendState send = new SendState(settings(true, 28), new Counters());
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
}
