package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
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
    /** More than two stuck links' data lanes hold (at most 128 KiB), less than that plus a few replies. */
    private static final int BUDGET = 144 * 1024;
    private static final int STEADY_POLLS = 50;

    @Test
    void pastTheBudgetTheLinkHoldingTheMostIsClosedAndCountedAndTheOthersLoseNothing() throws Exception {
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(QUEUE_BYTES).sendBudgetBytes(BUDGET), atClient);
        RecordingReceiver atOther = new RecordingReceiver();
        TcpTransport other = listening(atOther);
        ServerSocket listenerA = sink();
        ServerSocket listenerB = sink();
        Destination a = destinationOf(listenerA);
        Destination b = destinationOf(listenerB);

        AtomicBoolean stopA = new AtomicBoolean();
        AtomicInteger sentA = new AtomicInteger();
        var floodA = Async.run(() -> {
            while (!stopA.get()) {
                client.send(a, numbered(sentA.get()));
                sentA.incrementAndGet();
            }
            return null;
        });
        RawPeer peerA = new RawPeer(listenerA.accept()).hello(a.uri());
        awaitStuck(floodA.thread(), sentA);
        AtomicInteger sentB = new AtomicInteger();
        var floodB = Async.run(() -> {
            while (true) {
                client.send(b, numbered(sentB.get()));
                sentB.incrementAndGet();
            }
        });
        RawPeer peerB = new RawPeer(listenerB.accept()).hello(b.uri());
        awaitStuck(floodB.thread(), sentB);
        assertThat(client.overBudgetLinks()).as("two stuck links' data lanes fit the budget").isZero();

        // Replies never wait: these push the sum past the budget, and b holds the most.
        for (int i = 0; i < 4 && client.overBudgetLinks() == 0; i++) {
            assertThat(client.reply(b, ByteBuffer.allocate(MESSAGE).asReadOnlyBuffer())).isTrue();
        }

        assertThat(client.overBudgetLinks()).isEqualTo(1);
        assertThat(atClient.nextLoss(b).loss()).hasMessageContaining("send budget").hasMessageContaining("the most");
        assertThat(floodB).failsWithin(Await.LIMIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IOException.class).withMessageContaining("send budget");
        peerB.assertClosedByPeer();

        client.send(other.localDestination(), text("still flowing"));
        assertThat(atOther.next().text()).as("other links carry on").isEqualTo("still flowing");

        // a's sender waits in its put: once a reads, that message goes in, and the sender stops.
        stopA.set(true);
        int expected = sentA.get() + 1;
        assertThat(peerA.readText()).startsWith("MINISTREAMING/1 ");
        for (int i = 0; i < expected; i++) {
            assertThat(ByteBuffer.wrap(peerA.readFrame()).getInt()).as("a's messages, each in order, none lost").isEqualTo(i);
        }
        assertThat(floodA).succeedsWithin(Await.LIMIT);
        assertThat(sentA).hasValue(expected);
        assertThat(client.overBudgetLinks()).as("only b was closed").isEqualTo(1);
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

    /** A raw listener whose accepted sockets take little before the sender must wait. */
    private ServerSocket sink() throws IOException {
        ServerSocket listener = rawServer();
        listener.setReceiveBufferSize(4096);
        return listener;
    }

    private static ByteBuffer numbered(int index) {
        return ByteBuffer.allocate(MESSAGE).putInt(0, index).asReadOnlyBuffer();
    }

    /** Waits until {@code flooder} waits for room in its queue and makes no progress for {@value #STEADY_POLLS} polls. */
    private static void awaitStuck(Thread flooder, AtomicInteger sent) {
        int[] last = {-1};
        int[] steady = {0};
        Await.until(() -> "the sender waits for room for good; it sent " + sent.get(), () -> {
            boolean parked = Await.isParkedIn(flooder, OutboundQueue.class, "put");
            steady[0] = parked && sent.get() == last[0] ? steady[0] + 1 : 0;
            last[0] = sent.get();
            return steady[0] >= STEADY_POLLS;
        });
    }
}
