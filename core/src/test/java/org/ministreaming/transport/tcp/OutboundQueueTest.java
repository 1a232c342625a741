package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;

/** The bounded send queue of one link. */
class OutboundQueueTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    @Test
    void aFullQueueHoldsBlockingSendersUntilTheWriterTakesItsContents() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true);
        assertThat(queue.put(message(6), true)).isTrue();
        assertThat(queue.put(message(4), true)).isTrue();

        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1), true));
        awaitWaitingIn(queue, "put");
        assertThat(waiting).isNotDone();
        assertThat(queue.takeAll()).hasSize(2);
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
        assertThat(queue.takeAll()).singleElement().satisfies(m -> assertThat(m.remaining()).isEqualTo(1));
    }

    @Test
    void anEmptyQueueTakesOneMessageLargerThanItsBound() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true);
        assertThat(queue.put(message(100), true)).isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(100);
    }

    @Test
    void sendersThatMayNotBlockPassTheBoundUpToTwiceIt() throws IOException {
        OutboundQueue queue = new OutboundQueue(10, true);
        for (int i = 0; i < 20; i++) {
            assertThat(queue.put(message(1), false)).isTrue();
        }
        assertThat(queue.put(message(1), false)).as("the 21st byte").isFalse();
        assertThat(queue.queuedBytes()).isEqualTo(20);
    }

    @Test
    void whileDiallingOnlySendersThatMayNotBlockGetIn() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, false);
        assertThat(queue.put(message(1), false)).isTrue();
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1), true));
        awaitWaitingIn(queue, "put");

        queue.markReady();
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
    }

    @Test
    void aFailedDialFailsWaitingSendersWithAConnectException() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, false);
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1), true));
        awaitWaitingIn(queue, "put");

        ConnectException refused = new ConnectException("cannot connect to tcp://127.0.0.1:1: Connection refused");
        queue.fail(refused);
        assertThat(waiting).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ConnectException.class).withMessage(refused.getMessage()).withCause(refused);
    }

    @Test
    void failingDropsEverythingWakesTheWriterAndRefusesLaterSends() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true);
        queue.put(message(10), true);
        CompletableFuture<Boolean> waiting = Async.run(() -> queue.put(message(1), true));
        awaitWaitingIn(queue, "put");

        queue.fail(new IOException("reset"));
        queue.fail(new IOException("a later cause"));
        assertThat(waiting).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IOException.class).withMessage("reset");
        assertThat(queue.takeAll()).isNull();
        assertThat(queue.failed()).isTrue();
        assertThatThrownBy(() -> queue.put(message(1), false)).hasMessage("reset");
    }

    @Test
    void finishingLetsTheWriterDrainThenStopsItAndRefusesNewSends() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, true);
        queue.put(message(3), true);
        queue.finish();

        assertThatThrownBy(() -> queue.put(message(1), false)).hasMessageContaining("closed");
        assertThat(queue.takeAll()).hasSize(1);
        assertThat(queue.takeAll()).isNull();
        assertThat(queue.failed()).isFalse();
    }

    @Test
    void anInterruptedSenderGivesUpAndKeepsItsFlag() throws Exception {
        OutboundQueue queue = new OutboundQueue(1, false);
        CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                queue.put(message(1), true);
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

    private static void awaitWaitingIn(OutboundQueue queue, String method) {
        Await.until(() -> "a sender waiting in OutboundQueue." + method + " of " + queue, () -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("test-async") && Await.isParkedIn(t, OutboundQueue.class, method)));
    }

    /** A read-only message of {@code size} bytes, as the engine hands them to the transport. */
    private static Outbound message(int size) {
        return new Outbound(ByteBuffer.wrap(new byte[size]).asReadOnlyBuffer(), Frames.EMPTY);
    }
}
