package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;

/** The send queue of one link: a data lane and a reply lane, each bounded. */
class OutboundQueueTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    @Test
    void aFullQueueHoldsBlockingSendersUntilTheWriterTakesItsContents() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.put(message(6))).isTrue();
        assertThat(queue.put(message(4))).isTrue();

        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1)));
        awaitWaitingIn(queue, "put");
        assertThat(waiting).isNotDone();
        assertThat(takeAll(queue)).hasSize(2);
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
        assertThat(takeAll(queue)).singleElement().satisfies(m -> assertThat(m.remaining()).isEqualTo(1));
    }

    @Test
    void anEmptyQueueTakesOneMessageLargerThanItsBound() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.put(message(100))).isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(100);
    }

    @Test
    void repliesHaveALaneOfTheirOwnBoundedApartFromTheData() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.put(message(10))).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(queue.offerReply(message(1))).isEqualTo(OutboundQueue.Offer.QUEUED);
        }
        assertThat(queue.offerReply(message(1))).as("the 11th reply byte").isEqualTo(OutboundQueue.Offer.FULL);
        assertThat(queue.queuedBytes()).isEqualTo(20);
    }

    @Test
    void anEmptyReplyLaneTakesOneReplyLargerThanItsBound() {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.offerReply(message(100))).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerReply(message(1))).isEqualTo(OutboundQueue.Offer.FULL);
    }

    @Test
    void theWriterTakesRepliesAheadOfQueuedData() throws Exception {
        OutboundQueue queue = new OutboundQueue(100, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(5));
        queue.put(message(6));
        queue.offerReply(message(1));
        queue.offerReply(message(2));

        assertThat(takeAll(queue)).extracting(Outbound::remaining).containsExactly(1, 2, 5, 6);
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void pollTakesRepliesFirstAndNoMoreFramesThanFitItsBytesButAlwaysOne() throws Exception {
        OutboundQueue queue = new OutboundQueue(1000, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(100));
        queue.put(message(100));
        queue.offerReply(message(10));
        queue.offerReply(message(20));

        assertThat(queue.poll(3 * 4 + 10 + 20 + 100)).as("two replies and one data message, each with its length")
                .extracting(Outbound::remaining).containsExactly(10, 20, 100);
        assertThat(queue.poll(1)).as("one message even if it does not fit").extracting(Outbound::remaining).containsExactly(100);
        assertThat(queue.poll(1000)).isNull();
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void pollMakesRoomForWaitingSendersAndTheQueueFinishesOnlyOnceWritten() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(10));
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(5)));
        awaitWaitingIn(queue, "put");

        assertThat(queue.poll(100)).hasSize(1);
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
        queue.finish();
        assertThat(queue.finished()).as("a message is still queued").isFalse();
        assertThat(queue.poll(100)).hasSize(1);
        assertThat(queue.finished()).as("the last batch is not written yet").isFalse();
        queue.written();
        assertThat(queue.finished()).isTrue();
        queue.fail(new IOException("gone"));
        assertThat(queue.finished()).as("a failed queue does not end its stream gracefully").isFalse();
    }

    @Test
    void aReplyNeverWaitsForAFullDataLane() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(10));
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(5)));
        awaitWaitingIn(queue, "put");

        assertThat(queue.offerReply(message(3))).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(takeAll(queue)).extracting(Outbound::remaining).containsExactly(3, 10);
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
    }

    @Test
    void whileDiallingOnlyRepliesGetIn() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, false, new SendBudget(Long.MAX_VALUE));
        assertThat(queue.offerReply(message(1))).isEqualTo(OutboundQueue.Offer.QUEUED);
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1)));
        awaitWaitingIn(queue, "put");

        queue.markReady();
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
    }

    @Test
    void retiringTakesOnlyAnEmptyQueueAndSendsLaterSendersElsewhere() throws Exception {
        OutboundQueue busy = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        busy.offerReply(message(1));
        assertThat(busy.retireIfEmpty()).as("a reply is queued").isFalse();

        OutboundQueue idle = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        assertThat(idle.retireIfEmpty()).isTrue();
        assertThat(idle.put(message(1))).as("a sender is told to find another link").isFalse();
        assertThat(idle.offerReply(message(1))).isEqualTo(OutboundQueue.Offer.CLOSED);
        assertThat(takeAll(idle)).isNull();
        assertThat(idle.finished()).as("the writer ends the stream").isTrue();
        assertThat(idle.retireIfEmpty()).as("once").isFalse();
    }

    @Test
    void aFailedDialFailsWaitingSendersWithAConnectException() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, false, new SendBudget(Long.MAX_VALUE));
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1)));
        awaitWaitingIn(queue, "put");

        ConnectException refused = new ConnectException("cannot connect to tcp://127.0.0.1:1: Connection refused");
        queue.fail(refused);
        assertThat(waiting).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ConnectException.class).withMessage(refused.getMessage()).withCause(refused);
    }

    @Test
    void failingDropsEverythingWakesTheWriterAndRefusesLaterSends() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(10));
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1)));
        awaitWaitingIn(queue, "put");

        queue.fail(new IOException("reset"));
        queue.fail(new IOException("a later cause"));
        assertThat(waiting).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IOException.class).withMessage("reset");
        assertThat(takeAll(queue)).isNull();
        assertThat(queue.failed()).isTrue();
        assertThatThrownBy(() -> queue.put(message(1))).hasMessage("reset");
        assertThat(queue.offerReply(message(1))).isEqualTo(OutboundQueue.Offer.CLOSED);
    }

    @Test
    void finishingLetsTheWriterDrainThenStopsItAndRefusesNewSends() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true, new SendBudget(Long.MAX_VALUE));
        queue.put(message(3));
        queue.finish();

        assertThatThrownBy(() -> queue.put(message(1))).hasMessageContaining("closed");
        assertThat(takeAll(queue)).hasSize(1);
        queue.written();
        assertThat(takeAll(queue)).isNull();
        assertThat(queue.finished()).as("the writer ends the stream").isTrue();
        assertThat(queue.failed()).isFalse();
    }

    @Test
    void anInterruptedSenderGivesUpAndKeepsItsFlag() throws Exception {
        OutboundQueue queue = new OutboundQueue(1, false, new SendBudget(Long.MAX_VALUE));
        CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                queue.put(message(1));
                flagKept.complete(false);
            } catch (InterruptedIOException e) {
                flagKept.complete(Thread.currentThread().isInterrupted());
            } catch (IOException e) {
                flagKept.completeExceptionally(e);
            }
        }, "test-interrupted-sender");
        sender.start();
        Await.parkedIn(sender, OutboundQueue.class, "put");
        sender.interrupt();
        assertThat(flagKept).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
        sender.join();
    }

    @Test
    void theBytesOfBothLanesCountTowardsTheBudgetUntilTakenOrDropped() throws Exception {
        SendBudget budget = new SendBudget(100);
        OutboundQueue one = new OutboundQueue(1000, true, budget);
        OutboundQueue two = new OutboundQueue(1000, true, budget);
        one.put(message(60));
        one.offerReply(message(10));
        two.put(message(50));
        assertThat(budget.queued()).isEqualTo(120);
        assertThat(budget.over()).isTrue();

        assertThat(one.poll(4 + 10)).as("the reply, with its length").hasSize(1);
        assertThat(budget.queued()).isEqualTo(110);
        two.fail(new IOException("gone"));
        assertThat(budget.queued()).as("a failed queue gives back what it dropped").isEqualTo(60);
        assertThat(budget.over()).isFalse();
        assertThat(takeAll(one)).hasSize(1);
        assertThat(budget.queued()).isZero();
    }

    /** Everything queued, the replies first, as one batch. */
    private static List<Outbound> takeAll(OutboundQueue queue) {
        return queue.poll(Integer.MAX_VALUE);
    }

    private static void awaitWaitingIn(OutboundQueue queue, String method) {
        Await.until(() -> "a sender waiting in OutboundQueue." + method + " of " + queue, () -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("test-async") && Await.isParkedIn(t, OutboundQueue.class, method)));
    }

    /** A read-only message of {@code size} bytes, as the engine hands them to the transport. */
    private static Outbound message(int size) {
        return new Outbound(ByteBuffer.wrap(new byte[size]).asReadOnlyBuffer(), Frames.EMPTY);
    }
}
