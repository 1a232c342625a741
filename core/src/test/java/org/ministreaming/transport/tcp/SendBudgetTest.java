package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/**
 * The send budget over all links ({@link SendBudget}): past it, the link holding the most queued
 * bytes is closed and counted, and every other link keeps what it queued.
 */
@Timeout(120)
class SendBudgetTest extends TcpFixture {

    private static final int QUEUE_BYTES = 64 * 1024;
    private static final int MESSAGE = 16 * 1024;
    /** One link's full data lane fits; two do not. */
    private static final int BUDGET = QUEUE_BYTES + QUEUE_BYTES / 2;
    /** How long a sender must wait without progress to count as stuck for good. */
    private static final long STEADY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void pastTheBudgetTheLinkHoldingTheMostIsClosedAndCountedAndTheOtherLosesNothing() throws Exception {
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(QUEUE_BYTES).sendBudgetBytes(BUDGET), atClient);
        RecordingReceiver atOther = new RecordingReceiver();
        TcpTransport other = listening(atOther);
        Flood a = new Flood(client, sink());
        awaitStuck(a);
        assertThat(client.overBudgetLinks()).as("one stuck link's data lane fits the budget").isZero();

        // A second link whose peer reads nothing fills its lane past the budget: one link is closed.
        Flood b = new Flood(client, sink());
        Await.until("a link closed over the budget", () -> client.overBudgetLinks() > 0);

        RecordingReceiver.Event loss = atClient.next();
        assertThat(loss.isLoss()).as("%s", loss).isTrue();
        assertThat(loss.loss()).hasMessageContaining("send budget").hasMessageContaining("the most");
        Flood closed = loss.from().equals(a.to) ? a : b;
        Flood kept = closed == a ? b : a;
        assertThat(closed.work).failsWithin(Await.LIMIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IOException.class).withMessageContaining("send budget");
        closed.peer.assertClosedByPeer();

        client.send(other.localDestination(), text("still flowing"));
        assertThat(atOther.next().text()).as("other links carry on").isEqualTo("still flowing");

        // The kept link loses nothing it took: once its peer reads, every message arrives, in order.
        kept.stop.set(true);
        assertThat(kept.peer.readText()).startsWith("MINISTREAMING/1 ");
        int read = 0;
        while (true) {
            int upTo = read;
            Await.until("the sender sends one more or stops", () -> kept.work.isDone() || kept.sent.get() > upTo);
            if (kept.work.isDone() && read == kept.sent.get()) {
                break;
            }
            assertThat(ByteBuffer.wrap(kept.peer.readFrame()).getInt()).as("the kept link's messages, in order").isEqualTo(read);
            read++;
        }
        assertThat(kept.work).succeedsWithin(Await.LIMIT);
        assertThat(read).isPositive().isEqualTo(kept.sent.get());
        assertThat(client.overBudgetLinks()).as("only one link was closed").isEqualTo(1);
        atClient.assertQuiet();
    }

    @Test
    void theBudgetIsAtLeastOneByteAndItsDefaultFitsTheHeap() {
        assertThatIllegalArgumentException().isThrownBy(() -> TcpTransport.plain().sendBudgetBytes(0));
        assertThat(TcpTransportBuilder.defaultSendBudget())
                .isEqualTo(Math.min(TcpTransportBuilder.DEFAULT_SEND_BUDGET_CAP, Runtime.getRuntime().maxMemory() / 8));
        assertThat(TcpTransport.plain().sendQueueBytes(1L << 40).sendBudget()).as("room for one link's two lanes")
                .isEqualTo(2L << 40);
    }

    /** Numbered messages flooded from a client to a peer that reads nothing until the test lets it. */
    private final class Flood {
        final Destination to;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger sent = new AtomicInteger();
        final Async.Running<Void> work;
        final RawPeer peer;

        Flood(TcpTransport client, ServerSocket listener) throws IOException {
            this.to = destinationOf(listener);
            this.work = Async.run(() -> {
                while (!stop.get()) {
                    client.send(to, ByteBuffer.allocate(MESSAGE).putInt(0, sent.get()).asReadOnlyBuffer());
                    sent.incrementAndGet();
                }
                return null;
            });
            this.peer = new RawPeer(listener.accept()).hello(to.uri());
        }
    }

    /** A raw listener whose accepted sockets take little before the sender must wait. */
    private ServerSocket sink() throws IOException {
        ServerSocket listener = rawServer();
        listener.setReceiveBufferSize(4096);
        return listener;
    }

    /** Waits until the flood's sender waits for room in its queue and has made no progress for 300 ms. */
    private static void awaitStuck(Flood flood) {
        long[] since = {System.nanoTime()};
        int[] last = {-1};
        Await.until(() -> "the sender waits for room for good; it sent " + flood.sent.get(), () -> {
            boolean stuck = Await.isParkedIn(flood.work.thread(), OutboundQueue.class, "put") && flood.sent.get() == last[0];
            last[0] = flood.sent.get();
            if (!stuck) {
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] >= STEADY_NANOS;
        });
    }
}
