package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * When a link's {@link OutboundQueue} may be retired (the transport forgot an idle peer): only
 * with both lanes empty, the link connected and no batch (or message sent past the queue) in the
 * writer's hands; once retired, its senders are sent elsewhere whatever happens to the link after.
 */
class OutboundQueueRetiringTest {

    @Test
    void notWhileTheWriterHoldsABatchItHasNotWritten() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(3));
        assertThat(queue.poll(100)).hasSize(1);

        assertThat(queue.retireIfEmpty()).as("the batch is not written yet").isFalse();
        queue.written();
        assertThat(queue.retireIfEmpty()).isTrue();
        assertThat(queue.finished()).isTrue();
    }

    @Test
    void notWhileAMessagePastTheQueueIsBeingWrittenWhichTakesTheWritersTurnAlone() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.claimEmpty()).isTrue();

        assertThat(queue.claimEmpty()).as("one turn at a time").isFalse();
        assertThat(queue.retireIfEmpty()).as("the message is not written yet").isFalse();
        queue.written();
        assertThat(queue.claimEmpty()).as("free again").isTrue();
        queue.written();
        queue.put(message(3));
        assertThat(queue.claimEmpty()).as("a message past a queued one would overtake it").isFalse();
        assertThat(queue.poll(100)).hasSize(1);
        queue.written();
        assertThat(queue.retireIfEmpty()).isTrue();
        assertThat(queue.claimEmpty()).as("retired: senders go elsewhere").isFalse();
    }

    @Test
    void notWhileTheLinkIsDialled() {
        OutboundQueue queue = new OutboundQueue(10, false, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.retireIfEmpty()).as("senders may be waiting for the dial").isFalse();
        queue.markReady();
        assertThat(queue.retireIfEmpty()).isTrue();
    }

    @Test
    void notOnceFinishingOrFailed() {
        OutboundQueue finishing = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        finishing.finish();
        assertThat(finishing.retireIfEmpty()).isFalse();
        OutboundQueue failed = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        failed.fail(new IOException("reset"));
        assertThat(failed.retireIfEmpty()).isFalse();
    }

    @Test
    void aRetiredQueueSendsSendersElsewhereEvenAfterTheLinkFails() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.retireIfEmpty()).isTrue();
        queue.fail(new IOException("the peer closed the retired link"));

        assertThat(queue.put(message(1))).as("the sender dials anew rather than failing").isFalse();
        assertThat(queue.offerReply(message(1))).isEqualTo(OutboundQueue.Offer.CLOSED);
    }

    private static Outbound message(int size) {
        return new Outbound(ByteBuffer.wrap(new byte[size]).asReadOnlyBuffer(), Frames.EMPTY);
    }
}
