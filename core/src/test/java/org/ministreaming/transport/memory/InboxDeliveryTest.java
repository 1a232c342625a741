package org.ministreaming.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.ministreaming.pipe.Pipe;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;

/** {@link Inbox}: whether a sender hands its envelope over itself or queues it for the delivery thread. */
class InboxDeliveryTest {

    private static final Destination FROM = MemoryNetwork.destination("alice");

    @Test
    void aSenderQueuesWhileTheDeliveryThreadIsBusyAndHandsOverItselfOnceThatThreadWaitsAgain() throws Exception {
        Inbox inbox = new Inbox(1 << 20);
        List<String> handedOver = new CopyOnWriteArrayList<>();
        Consumer<Inbox.Envelope> record = envelope -> handedOver.add(UTF_8.decode(envelope.bytes()).toString());

        assertThat(inbox.deliverNow(envelope("idle: handed over at once"), record)).isTrue();
        inbox.put(envelope("queued"), 0, false, () -> true);
        assertThat(inbox.deliverNow(envelope("behind the queued one"), record)).as("with one queued").isFalse();
        assertThat(inbox.deliverNext(record)).as("the delivery thread's turn").isTrue();
        assertThat(inbox.deliverNow(envelope("while the delivery thread is busy"), record))
                .as("the inbox is empty, but the delivery thread has not yet seen so").isFalse();

        Thread delivery = new Thread(() -> {
            try {
                while (inbox.deliverNext(record)) {
                    // until the inbox closes
                }
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        }, "inbox-delivery");
        delivery.start();
        try {
            Await.parkedIn(delivery, Pipe.class, "awaitDue");
            assertThat(inbox.deliverNow(envelope("idle again: handed over at once"), record)).isTrue();
        } finally {
            inbox.close();
            delivery.join(TimeUnit.SECONDS.toMillis(Await.LIMIT.toSeconds()));
        }
        assertThat(delivery.isAlive()).isFalse();
        assertThat(handedOver).containsExactly("idle: handed over at once", "queued", "idle again: handed over at once");
    }

    private static Inbox.Envelope envelope(String text) {
        return new Inbox.Envelope(FROM, ByteBuffer.wrap(text.getBytes(UTF_8)).asReadOnlyBuffer(), System.nanoTime());
    }
}
