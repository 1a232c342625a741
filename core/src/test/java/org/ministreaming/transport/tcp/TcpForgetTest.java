package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/** {@link TcpTransport#forget}: an idle link ends and its name goes; a busy one stays; a peer that comes back is dialled anew. */
class TcpForgetTest extends TcpFixture {

    @Test
    void forgettingAnIdlePeerEndsItsLinkQuietlyAndTheNextSendDialsANewOne() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = listening(atClient);
        client.send(server.localDestination(), text("before"));
        assertThat(atServer.nextText(client.localDestination())).isEqualTo("before");

        // The server may read "before" while the client's writer still holds its batch, and a link
        // whose writer is busy is kept; once the writer is done, a forget drops the name at once.
        Await.until("a forget drops the idle link's name", () -> {
            client.forget(server.localDestination());
            return client.peers().isEmpty();
        });
        assertThat(atServer.nextLoss(client.localDestination()).lost()).as("the other end sees the link end")
                .isNotNull();
        Await.until("the server dropped the link too", () -> server.peers().isEmpty());
        Await.until("both ends' link threads ended", () -> ThreadLeaks.live(TCP_THREADS).stream()
                .noneMatch(name -> name.contains("-reader-") || name.contains("-writer-")));
        atClient.assertQuiet();

        client.send(server.localDestination(), text("after"));
        assertThat(atServer.nextText(client.localDestination())).isEqualTo("after");
        assertThat(client.peers()).containsExactly(server.localDestination());
        atClient.assertQuiet();
    }

    @Test
    void aLinkWithMessagesQueuedIsKept() throws Exception {
        ServerSocket sinkListener = rawServer();
        sinkListener.setReceiveBufferSize(4096);
        Destination sink = destinationOf(sinkListener);
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(64 * 1024), new RecordingReceiver());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Async.Running<Void> flood = Async.run(() -> {
            ByteBuffer message = ByteBuffer.allocate(16 * 1024).asReadOnlyBuffer();
            while (!stop.get()) {
                client.send(sink, message);
                sent.incrementAndGet();
            }
            return null;
        });
        RawPeer stuck = new RawPeer(sinkListener.accept());
        stuck.hello(sink.uri());
        // Waits until the socket buffers are full too, so the queue stays full rather than until the writer's next batch.
        long[] last = {-1};
        int[] steady = {0};
        Await.until("the flooder waits for room for good", () -> {
            boolean parked = Await.isParkedIn(flood.thread(), OutboundQueue.class, "put");
            steady[0] = parked && sent.get() == last[0] ? steady[0] + 1 : 0;
            last[0] = sent.get();
            return steady[0] >= 50;
        });

        client.forget(sink);

        assertThat(client.peers()).as("bytes wait on the link: it stays").containsExactly(sink);
        stop.set(true);
        stuck.kill();
        assertThat(flood).failsWithin(Await.LIMIT);
    }

    @Test
    void forgettingWhileMessagesFlowLosesNoneAndDuplicatesNone() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = listening(new RecordingReceiver());
        int messages = 2000;
        CompletableFuture<Void> sending = Async.run(() -> {
            for (int i = 0; i < messages; i++) {
                client.send(server.localDestination(), text("m" + i));
                if (i % 50 == 0) {
                    Thread.yield();
                }
            }
            return null;
        });
        Thread forgetter = start("test-forgetter", () -> {
            while (!sending.isDone()) {
                client.forget(server.localDestination());
                LockSupport.parkNanos(200_000);
            }
        });

        List<String> heard = new ArrayList<>();
        while (heard.size() < messages) {
            RecordingReceiver.Event event = atServer.next();
            if (!event.isLoss()) {
                heard.add(event.text());
            }
        }
        assertThat(sending).succeedsWithin(Await.LIMIT);
        forgetter.join();
        assertThat(heard).as("every message once").doesNotHaveDuplicates().hasSize(messages);
    }
}
