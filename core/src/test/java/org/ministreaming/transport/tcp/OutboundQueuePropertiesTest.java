package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A link's {@link OutboundQueue} against a model, for any sequence of data puts (only while they
 * would not wait), replies and takes by the writer: each take hands over the replies in the order
 * offered and then the data in the order put; a reply is refused exactly when its lane would pass
 * the bound (unless the lane is empty); no lane ever holds more than its bound plus one message.
 */
class OutboundQueuePropertiesTest {

    enum Kind { DATA, REPLY, TAKE, RETIRE }

    record Step(Kind kind, int size) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.DATA)),
                net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.REPLY)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.TAKE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.RETIRE)));
        return Combinators.combine(kinds, Arbitraries.integers().between(1, 40)).as(Step::new).list().ofMaxSize(300);
    }

    @Property(tries = 1000)
    void takesHandOverRepliesFirstAndEachLaneStaysWithinItsBound(@ForAll("steps") List<Step> steps,
                                                                @ForAll @IntRange(min = 1, max = 100) int bound) throws IOException, InterruptedException {
        OutboundQueue queue = new OutboundQueue(bound, true, new SendBudget(Long.MAX_VALUE));
        List<Integer> replies = new ArrayList<>();
        List<Integer> data = new ArrayList<>();
        int label = 0;
        boolean retired = false;
        for (Step step : steps) {
            int replyBytes = replies.stream().mapToInt(OutboundQueuePropertiesTest::size).sum();
            int dataBytes = data.stream().mapToInt(OutboundQueuePropertiesTest::size).sum();
            switch (step.kind()) {
                case DATA -> {
                    int message = label++ * 1000 + step.size();
                    if (dataBytes > 0 && dataBytes + size(message) > bound) {
                        continue; // would wait for the writer; the blocking tests cover that
                    }
                    boolean taken = queue.put(message(message));
                    assertThat(taken).as("a retired queue sends the sender elsewhere").isEqualTo(!retired);
                    if (taken) {
                        data.add(message);
                    }
                }
                case REPLY -> {
                    int message = label++ * 1000 + step.size();
                    OutboundQueue.Offer offer = queue.offerReply(message(message));
                    if (retired) {
                        assertThat(offer).isEqualTo(OutboundQueue.Offer.CLOSED);
                    } else if (replyBytes > 0 && replyBytes + size(message) > bound) {
                        assertThat(offer).isEqualTo(OutboundQueue.Offer.FULL);
                    } else {
                        assertThat(offer).isEqualTo(OutboundQueue.Offer.QUEUED);
                        replies.add(message);
                    }
                }
                case TAKE -> {
                    if (replies.isEmpty() && data.isEmpty()) {
                        continue; // nothing to take
                    }
                    List<Integer> expected = new ArrayList<>(replies);
                    expected.addAll(data);
                    assertThat(queue.poll(Integer.MAX_VALUE)).extracting(OutboundQueuePropertiesTest::label).containsExactlyElementsOf(expected);
                    queue.written();
                    replies.clear();
                    data.clear();
                }
                case RETIRE -> {
                    boolean idle = replies.isEmpty() && data.isEmpty() && !retired;
                    assertThat(queue.retireIfEmpty()).isEqualTo(idle);
                    retired |= idle;
                }
            }
            assertThat(queue.queuedBytes()).isEqualTo(replies.stream().mapToInt(OutboundQueuePropertiesTest::size).sum()
                    + data.stream().mapToInt(OutboundQueuePropertiesTest::size).sum());
        }
    }

    /** A message whose bytes say its label; its size is the label's last three digits. */
    private static Outbound message(int label) {
        ByteBuffer bytes = ByteBuffer.allocate(size(label));
        bytes.putInt(0, label);
        return new Outbound(bytes.asReadOnlyBuffer(), Frames.EMPTY);
    }

    private static int size(int label) {
        return Math.max(4, label % 1000);
    }

    private static int label(Outbound message) {
        return message.header().getInt(message.header().position());
    }
}
