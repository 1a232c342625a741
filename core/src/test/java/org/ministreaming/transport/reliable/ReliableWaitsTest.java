package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * The reliable layer's own waits, both on {@link org.ministreaming.pipe.Deadline}: a sender's
 * wait for room in the window ends with an {@link InterruptedIOException} when its thread is
 * interrupted, and the close linger ends at its deadline, or at once on an interrupt, with the
 * thread's interrupt flag kept in each case.
 */
class ReliableWaitsTest extends ReliableFixture {

    @Test
    void aSenderWaitingForRoomIsInterruptedWithItsFlagKept() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.window(1).maxRetries(30).maxRto(Duration.ofSeconds(60)));
        MemoryTransport silent = raw("silent", new RecordingReceiver());
        alice.send(silent.localDestination(), text("fills the window"));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread sender = start("waiting sender", () -> {
            try {
                alice.send(silent.localDestination(), text("waits for room"));
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt flag lost", e));
            }
        });
        Await.parkedIn(sender, Peer.class, "planSend");

        sender.interrupt();

        assertThat(outcome.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class)
                .hasMessageContaining("waiting for room in the send window to " + silent.localDestination());
        assertThat(alice.unacknowledged(silent.localDestination())).as("the interrupted message was not numbered").isEqualTo(1);
    }

    @Test
    void closeWaitsForAnUnacknowledgedFrameNoLongerThanTheLinger() throws Exception {
        Duration linger = Duration.ofMillis(300);
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.closeLinger(linger));
        MemoryTransport silent = raw("silent", new RecordingReceiver());
        alice.send(silent.localDestination(), text("never acknowledged"));

        long start = System.nanoTime();
        alice.close();
        long took = System.nanoTime() - start;

        assertThat(took).as("waited the linger for an acknowledgement").isGreaterThanOrEqualTo(linger.toNanos());
        assertThat(took).as("and then gave up").isLessThan(Await.LIMIT.toNanos());
    }

    @Test
    void anInterruptEndsTheCloseLingerWithTheFlagKept() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.closeLinger(Duration.ofMinutes(10)));
        MemoryTransport silent = raw("silent", new RecordingReceiver());
        alice.send(silent.localDestination(), text("never acknowledged"));
        CompletableFuture<Boolean> interruptedAfterClose = new CompletableFuture<>();
        Thread closer = start("closer", () -> {
            alice.close();
            interruptedAfterClose.complete(Thread.currentThread().isInterrupted());
        });
        Await.parkedIn(closer, Drain.class, "await");

        closer.interrupt();

        assertThat(interruptedAfterClose.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("close returned, the flag kept").isTrue();
    }
}
