package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;

/**
 * A peer that never reads: sends to it wait once its link's queue is full, other links keep
 * flowing, and when the link drops the waiting sender fails at once and the receiver hears of it
 * within a second. Replies to it never wait, and a full reply lane ends its link.
 */
class BackpressureTest extends TcpFixture {

    private static final int QUEUE_BYTES = 64 * 1024;
    private static final int MESSAGE = 16 * 1024;
    /** Far beyond what socket buffers hold on loopback; reaching it means the sender never waited. */
    private static final long GIVE_UP_BYTES = 256L << 20;
    private static final int STEADY_POLLS = 50;

    @Test
    void aPeerThatNeverReadsHoldsUpOnlyItsOwnSenders() throws Exception {
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(QUEUE_BYTES), atClient);
        ServerSocket sinkListener = rawServer();
        sinkListener.setReceiveBufferSize(4096);
        Destination sink = destinationOf(sinkListener);
        RecordingReceiver atOther = new RecordingReceiver();
        TcpTransport other = listening(atOther);

        AtomicLong sent = new AtomicLong();
        CompletableFuture<Void> flood = Async.run(() -> {
            ByteBuffer message = ByteBuffer.allocate(MESSAGE).asReadOnlyBuffer();
            while (sent.get() < GIVE_UP_BYTES) {
                client.send(sink, message);
                sent.addAndGet(MESSAGE);
            }
            return null;
        });
        RawPeer stuck = new RawPeer(sinkListener.accept());
        stuck.hello(sink.uri());
        Thread flooder = awaitFlooderStuck(sent);
        long sentWhenBlocked = sent.get();
        assertThat(sentWhenBlocked).as("bytes handed over before the sender had to wait").isGreaterThanOrEqualTo(QUEUE_BYTES);

        for (int i = 0; i < 20; i++) {
            client.send(other.localDestination(), text("still flowing " + i));
            Event there = atOther.next();
            assertThat(there.text()).isEqualTo("still flowing " + i);
            other.send(there.from(), text("back " + i));
            assertThat(nextEventFrom(atClient, other.localDestination()).text()).isEqualTo("back " + i);
        }
        assertThat(Await.isParkedIn(flooder, OutboundQueue.class, "put")).as("the flooder still waits").isTrue();
        assertThat(sent.get()).isEqualTo(sentWhenBlocked);

        long killedAt = System.nanoTime();
        stuck.kill();
        Event loss = nextEventFrom(atClient, sink);
        assertThat(loss.isLoss()).isTrue();
        assertThat(loss.atNanos() - killedAt).as("onPeerLost came after the kill").isPositive();
        assertThat(flood).as("the waiting sender gets the reason the receiver was told, unprefixed: its caller names the peer")
                .failsWithin(Await.LIMIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isExactlyInstanceOf(IOException.class).withMessage(Reasons.of(loss.lost())).withCause(loss.lost());
    }

    @Test
    void repliesNeverWaitAndAPeerThatNeverReadsLosesItsLinkWhenItsReplyLaneIsFull() throws Exception {
        ServerSocket sinkListener = rawServer();
        sinkListener.setReceiveBufferSize(4096);
        Destination sink = destinationOf(sinkListener);
        AtomicLong repliedBytes = new AtomicLong();
        CompletableFuture<Long> refusedAt = new CompletableFuture<>();
        RecordingReceiver losses = new RecordingReceiver();
        TcpTransport[] self = new TcpTransport[1];
        Transport.Receiver floodOnMessage = new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                while (repliedBytes.get() < GIVE_UP_BYTES) {
                    if (!self[0].reply(from, ByteBuffer.allocate(MESSAGE).asReadOnlyBuffer())) {
                        refusedAt.complete(repliedBytes.get());
                        return;
                    }
                    repliedBytes.addAndGet(MESSAGE);
                }
                refusedAt.complete(-1L);
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
                losses.onPeerLost(peer, cause);
            }
        };
        self[0] = started(TcpTransport.plain().sendQueueBytes(QUEUE_BYTES), floodOnMessage);
        self[0].send(sink, text("ask"));
        RawPeer stuck = new RawPeer(sinkListener.accept());
        stuck.hello(sink.uri()).frame(new byte[] {1});

        assertThat(refusedAt).as("bytes the callback queued without waiting before a reply was refused")
                .succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .satisfies(bytes -> assertThat(bytes).isGreaterThanOrEqualTo((long) QUEUE_BYTES - MESSAGE).isLessThan(GIVE_UP_BYTES));
        assertThat(losses.nextLoss(sink).lost()).hasMessageContaining("does not read its link")
                .hasMessageContaining("replies to it fill their lane");
        stuck.assertClosedByPeer();
        assertThat(self[0].peers()).doesNotContain(sink);
    }

    @Test
    void aReplyToAPeerWithoutALinkIsNotSentAndDialsNothing() throws Exception {
        CompletableFuture<Boolean> replied = new CompletableFuture<>();
        TcpTransport[] self = new TcpTransport[1];
        ServerSocket elsewhere = rawServer();
        self[0] = listening(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                replied.complete(self[0].reply(destinationOf(elsewhere), message));
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        TcpTransport client = client(new RecordingReceiver());
        client.send(self[0].localDestination(), text("please forward"));

        assertThat(replied).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS).isEqualTo(false);
        assertThat(self[0].peers()).as("only the client's link, nothing dialled").hasSize(1).doesNotContain(destinationOf(elsewhere));
    }

    /**
     * Waits until the flooding sender waits for room in the queue and has stopped making
     * progress for {@value #STEADY_POLLS} polls in a row: the socket buffers are full as well, so
     * it waits for good rather than until the writer's next batch.
     */
    private Thread awaitFlooderStuck(AtomicLong sent) {
        Thread[] found = new Thread[1];
        long[] last = {-1};
        int[] steady = {0};
        Await.until(() -> "the flooding sender to wait for room in the queue for good; it sent " + sent.get() + " bytes", () -> {
            long now = sent.get();
            Thread flooder = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("test-async") && Await.isParkedIn(t, OutboundQueue.class, "put"))
                    .findFirst().orElse(null);
            steady[0] = flooder != null && now == last[0] ? steady[0] + 1 : 0;
            last[0] = now;
            found[0] = flooder;
            return steady[0] >= STEADY_POLLS;
        });
        return found[0];
    }

    private static Event nextEventFrom(RecordingReceiver recorder, Destination peer) {
        while (true) {
            Event event = recorder.next();
            if (event.from().equals(peer)) {
                return event;
            }
        }
    }
}
