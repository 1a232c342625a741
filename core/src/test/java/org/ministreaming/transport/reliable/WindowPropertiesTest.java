package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A {@link SendWindow} and a {@link ReceiveWindow} joined by a simulated network that carries,
 * drops, duplicates and reorders frames and acknowledgements as a random schedule says, with a
 * clock that the schedule advances: whatever the schedule, the receiver hands on exactly the
 * messages sent, in order, each once; it never holds more than its window, and the sender never
 * has more than its window numbered, nor more than its flight in flight. After the schedule a perfect network finishes the job.
 */
class WindowPropertiesTest {

    private static final long RTO = 100;

    /** One step of the schedule; {@code pick} chooses among frames in flight, {@code amount} is time or count. */
    record Step(Kind kind, int pick, int amount) {
    }

    enum Kind { SEND, DELIVER, DROP, DUPLICATE, DELIVER_ACK, DROP_ACK, TICK }

    /** A frame in flight: its sequence number and the message it carries. */
    record Data(int seq, Integer message) {
    }

    /** An acknowledgement in flight. */
    record Ack(int cumulative, Sack sack) {
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.SEND)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.DELIVER)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.DROP)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.DUPLICATE)),
                net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.DELIVER_ACK)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.DROP_ACK)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.TICK)));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(1, 150))
                .as(Step::new).list().ofMaxSize(400);
    }

    @Provide
    Arbitrary<Integer> firstSequenceNumbers() {
        return Arbitraries.oneOf(Arbitraries.of(0, -1, -7, Integer.MAX_VALUE - 5, Integer.MIN_VALUE), Arbitraries.integers());
    }

    @Property(tries = 1000)
    void anyScheduleOfDropsDuplicatesAndReorderingDeliversTheExactSequence(
            @ForAll("schedules") List<Step> schedule,
            @ForAll @IntRange(min = 1, max = 200) int window,
            @ForAll @IntRange(min = 0, max = 200) int flightBelowWindow,
            @ForAll @IntRange(min = 1, max = 250) int messages,
            @ForAll("firstSequenceNumbers") int firstSeq,
            @ForAll @IntRange(min = 0, max = 50) int reorderTolerance,
            @ForAll boolean wide) {
        int reach = wide ? Sack.MAX_WORDS * Frame.SACK_BITS : Frame.SACK_BITS;
        Link link = new Link(window, window - flightBelowWindow % window, firstSeq, messages, reorderTolerance, reach);
        for (Step step : schedule) {
            link.step(step);
            link.checkInvariants();
        }
        link.finishOnAPerfectNetwork();

        assertThat(link.delivered).isEqualTo(IntStream.range(0, messages).boxed().toList());
        assertThat(link.sender.size()).isZero();
        assertThat(link.receiver.held()).isZero();
    }

    @Property(tries = 300)
    void theReceiveWindowDeliversThePrefixUpToTheFirstGapWhateverTheOrderAndRepeats(
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 220) Integer> arrivals,
            @ForAll @IntRange(min = 1, max = 200) int capacity,
            @ForAll("firstSequenceNumbers") int firstSeq) {
        ReceiveWindow<Integer> receiver = new ReceiveWindow<>(capacity, firstSeq);
        List<Integer> delivered = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        for (int offset : arrivals) {
            ReceiveWindow.Result<Integer> result = receiver.accept(firstSeq + offset, offset);
            delivered.addAll(result.deliverable());
            boolean seenBefore = accepted.contains(offset);
            int next = delivered.size();
            switch (result.outcome()) {
                case IN_ORDER -> assertThat(offset).isEqualTo(next - result.deliverable().size());
                case HELD -> assertThat(offset).isGreaterThan(next).isLessThan(next + capacity);
                case DUPLICATE -> assertThat(seenBefore || offset < next).isTrue();
                case OUT_OF_WINDOW -> assertThat(offset).isGreaterThanOrEqualTo(next + capacity);
            }
            if (result.outcome() == ReceiveWindow.Outcome.IN_ORDER || result.outcome() == ReceiveWindow.Outcome.HELD) {
                accepted.add(offset);
            }
            assertThat(delivered).isEqualTo(IntStream.range(0, delivered.size()).boxed().toList());
            assertThat(receiver.held()).isLessThan(capacity);
            assertThat(receiver.cumulative()).isEqualTo(firstSeq + delivered.size());
            Sack narrow = receiver.sack(Frame.SACK_BITS);
            Sack wide = receiver.sack(Sack.MAX_WORDS * Frame.SACK_BITS);
            assertThat(narrow.wide()).as("the SACK field alone").isFalse();
            for (int bit = 0; bit < 230; bit++) {
                int seqOffset = delivered.size() + 1 + bit;
                boolean held = accepted.contains(seqOffset) && seqOffset < delivered.size() + capacity;
                assertThat(wide.has(bit)).as("wide SACK bit %d", bit).isEqualTo(held);
                assertThat(narrow.has(bit)).as("SACK bit %d", bit).isEqualTo(held && bit < Frame.SACK_BITS);
            }
        }
    }

    /** Sender, receiver, and what is in flight between them. */
    static final class Link {
        final SendWindow<Integer> sender;
        final ReceiveWindow<Integer> receiver;
        final List<Data> frames = new ArrayList<>();
        final List<Ack> acks = new ArrayList<>();
        final List<Integer> delivered = new ArrayList<>();
        final int window;
        final int flight;
        final int firstSeq;
        final int messages;
        final long reorderTolerance;
        /** How far the receiver's SACKs reach: the SACK field's 64 messages, or wide. */
        final int reach;
        int nextMessage;
        long now;

        Link(int window, int flight, int firstSeq, int messages, long reorderTolerance, int reach) {
            this.window = window;
            this.reach = reach;
            this.flight = flight;
            this.firstSeq = firstSeq;
            this.messages = messages;
            this.reorderTolerance = reorderTolerance;
            this.sender = new SendWindow<>(window, flight, 0, firstSeq);
            this.receiver = new ReceiveWindow<>(window, firstSeq);
        }

        void step(Step step) {
            switch (step.kind()) {
                case SEND -> send();
                case DELIVER -> {
                    if (!frames.isEmpty()) {
                        deliver(frames.remove(step.pick() % frames.size()));
                    }
                }
                case DROP -> {
                    if (!frames.isEmpty()) {
                        frames.remove(step.pick() % frames.size());
                    }
                }
                case DUPLICATE -> {
                    if (!frames.isEmpty()) {
                        frames.add(frames.get(step.pick() % frames.size()));
                    }
                }
                case DELIVER_ACK -> {
                    if (!acks.isEmpty()) {
                        acknowledge(acks.remove(step.pick() % acks.size()));
                    }
                }
                case DROP_ACK -> {
                    if (!acks.isEmpty()) {
                        acks.remove(step.pick() % acks.size());
                    }
                }
                case TICK -> tick(step.amount());
            }
        }

        void send() {
            if (nextMessage < messages && sender.hasRoom(1)) {
                SendWindow.Entry<Integer> entry = sender.add(nextMessage++);
                assertThat(sender.mayTransmit(entry)).isTrue();
                transmit(entry);
            }
        }

        void transmit(SendWindow.Entry<Integer> entry) {
            assertThat(entry.payload()).as("payload of a message being sent again").isNotNull();
            sender.transmitted(entry, now, RTO);
            frames.add(new Data(entry.seq(), entry.payload()));
        }

        void deliver(Data frame) {
            ReceiveWindow.Result<Integer> result = receiver.accept(frame.seq(), frame.message());
            delivered.addAll(result.deliverable());
            acks.add(new Ack(receiver.cumulative(), receiver.sack(reach)));
        }

        void acknowledge(Ack ack) {
            SendWindow.AckResult<Integer> result = sender.acknowledge(ack.cumulative(), ack.sack(), now, reorderTolerance);
            for (SendWindow.Entry<Integer> entry : result.toTransmit()) {
                transmit(entry);
            }
        }

        void tick(long amount) {
            now += amount;
            for (SendWindow.Entry<Integer> entry : sender.expired(now)) {
                sender.timedOut(entry);
                transmit(entry);
            }
            for (SendWindow.Entry<Integer> entry : sender.reorderingLost(now, reorderTolerance)) {
                transmit(entry);
            }
            assertThat(sender.reorderingDeadline(reorderTolerance).orElse(now + 1)).as("no RACK deadline left behind").isGreaterThan(now);
        }

        void checkInvariants() {
            assertThat(delivered).as("delivered so far").isEqualTo(IntStream.range(0, delivered.size()).boxed().toList());
            assertThat(receiver.held()).isLessThan(window);
            assertThat(sender.size()).isLessThanOrEqualTo(window);
            assertThat(sender.inFlight()).as("sent, neither acknowledged nor selectively acknowledged").isBetween(0, flight);
            int released = sender.base() - firstSeq;
            assertThat(released).as("messages released by the sender").isBetween(0, delivered.size());
            assertThat(sender.size()).isEqualTo(nextMessage - released);
        }

        /** No more faults: everything still to send, and everything in flight, arrives. */
        void finishOnAPerfectNetwork() {
            for (int round = 0; round < 100_000 && (nextMessage < messages || sender.size() > 0); round++) {
                while (nextMessage < messages && sender.hasRoom(1)) {
                    send();
                }
                List<Data> inFlight = new ArrayList<>(frames);
                frames.clear();
                inFlight.forEach(this::deliver);
                List<Ack> answers = new ArrayList<>(acks);
                acks.clear();
                answers.forEach(this::acknowledge);
                if (frames.isEmpty()) {
                    tick(RTO);
                }
            }
        }
    }
}
