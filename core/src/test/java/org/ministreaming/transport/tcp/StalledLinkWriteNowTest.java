package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * A peer that never reads its link, with plain connections (no credit extension, so nothing but
 * the link's send queue bounds what is sent): a write that does not wait
 * ({@link StreamSocket#writeNow}) returns once the queue has no room instead of waiting for it, a
 * readiness callback ({@link StreamSocket#onWritable}) waits for room and runs once the peer reads
 * again, and a close never waits and still goes out behind the data. So a few threads serving many
 * connections (a tunnel's workers) are never all held by one peer.
 */
class StalledLinkWriteNowTest extends TcpFixture {

    private static final int QUEUE_BYTES = 64 * 1024;
    private static final int CONNECTIONS = 3;
    /** Far beyond what socket buffers hold on loopback; reaching it means the writes never stopped. */
    private static final long GIVE_UP_BYTES = 256L << 20;
    private static final int CHUNK = 16 * 1024;
    private static final int SERVER_DATA = 0x50;
    private static final int SERVER_CLOSE = 0x52;

    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    private StreamServerSocket listener;
    private RawPeer peer;
    private final List<StreamSocket> accepted = new ArrayList<>();

    @AfterEach
    void stopCallbacks() throws InterruptedException {
        callbacks.shutdownNow();
        assertThat(callbacks.awaitTermination(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writesThatDoNotWaitReturnWhenTheLinkIsFullAndGoOnOnceThePeerReads() throws Exception {
        openPlainConnectionsFromAPeerThatWillNotRead();
        long[] written = fillTheLink();
        for (int i = 1; i < CONNECTIONS; i++) {
            StreamSocket other = accepted.get(i);
            assertThat(Async.run(() -> other.writeNow(new byte[CHUNK], 0, CHUNK)))
                    .as("another connection on the full link").succeedsWithin(Await.LIMIT).isEqualTo(0);
        }

        CountDownLatch writable = new CountDownLatch(CONNECTIONS);
        for (StreamSocket socket : accepted) {
            socket.onWritable(callbacks, writable::countDown);
        }
        assertThat(writable.getCount()).as("no callback runs while the link has no room").isEqualTo(CONNECTIONS);

        Async.Running<Map<Integer, Long>> reading = Async.run(() -> readUntilCloses(CONNECTIONS));
        assertThat(writable.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("every callback ran once the peer read").isTrue();
        for (StreamSocket socket : accepted) {
            assertThat(socket.writeNow(new byte[CHUNK], 0, CHUNK)).as("room again").isEqualTo(CHUNK);
        }
        written[0] += CHUNK;
        for (int i = 1; i < CONNECTIONS; i++) {
            written[i] = CHUNK;
        }
        accepted.forEach(StreamSocket::close);
        Map<Integer, Long> received = reading.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < CONNECTIONS; i++) {
            assertThat(received.get(7 + i)).as("data bytes on connection %d before its close", i).isEqualTo(written[i]);
        }
    }

    @Test
    void aCallbackRunOnTheThreadThatFoundRoomWritesAndClosesInOrder() throws Exception {
        openPlainConnectionsFromAPeerThatWillNotRead();
        long[] written = fillTheLink();
        StreamSocket first = accepted.get(0);
        CompletableFuture<Integer> callback = new CompletableFuture<>();
        first.onWritable(Runnable::run, () -> callback.complete(writeAndClose(first)));
        assertThat(callback).as("no room yet").isNotDone();

        Map<Integer, Long> received = readUntilCloses(1);
        assertThat(callback).succeedsWithin(Await.LIMIT).isEqualTo(CHUNK);
        assertThat(received.get(7)).as("the bytes before the wake, then the callback's, then the close").isEqualTo(written[0] + CHUNK);
    }

    @Test
    void aConnectionFromAPeerThatDoesNotReadItsFullLinkIsAcceptedWithoutWaitingForRoom() throws Exception {
        openPlainConnectionsFromAPeerThatWillNotRead();
        long[] written = fillTheLink();
        StreamSocket first = accepted.get(0);
        for (int i = 0; i < QUEUE_BYTES && first.writeNow(new byte[1], 0, 1) == 1; i++) {
            written[0]++; // to the last byte: no room is left for an ACK behind the data
        }
        peer.frame(RecordingReceiver.bytes(Message.syn(new ConnectionId(7 + CONNECTIONS), "tcp:-".getBytes(US_ASCII)).encoded()));

        assertThat(Async.run(() -> listener.accept(Duration.ofSeconds(WAIT_SECONDS))))
                .as("the accept, whose ACK goes ahead of the queued data").succeedsWithin(Await.LIMIT);
        first.close();
        assertThat(readUntilCloses(1).get(7)).as("every byte written before").isEqualTo(written[0]);
    }

    @Test
    void aCloseNeverWaitsForRoomAndGoesOutBehindTheData() throws Exception {
        openPlainConnectionsFromAPeerThatWillNotRead();
        long[] written = fillTheLink();

        assertThat(Async.run(() -> {
            accepted.forEach(StreamSocket::close);
            return true;
        })).as("closing the connections on a full link").succeedsWithin(Await.LIMIT);

        Map<Integer, Long> received = readUntilCloses(CONNECTIONS);
        assertThat(received.get(7)).as("every byte written before the close").isEqualTo(written[0]);
        assertThat(received.get(8)).isZero();
    }

    /** Writes a chunk without waiting, then closes: what a callback does once there is room. */
    private static int writeAndClose(StreamSocket socket) {
        try {
            int n = socket.writeNow(new byte[CHUNK], 0, CHUNK);
            socket.close();
            return n;
        } catch (IOException e) {
            throw new AssertionError("the write after the wake failed", e);
        }
    }

    /** A plain peer's link (hello, then a SYN without the credit offer for each connection), each accepted; from then on the peer reads nothing. */
    private void openPlainConnectionsFromAPeerThatWillNotRead() throws Exception {
        StreamManager server = closeLater(StreamManager.open(
                TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(QUEUE_BYTES).build(), StreamOptions.builder().build()));
        listener = server.serverSocket();
        peer = rawConnect(server.localDestination(), 4096); // a small window: what the kernels take of the link stays small
        peer.readFrame();
        peer.hello("-");
        for (int i = 0; i < CONNECTIONS; i++) {
            peer.frame(RecordingReceiver.bytes(Message.syn(new ConnectionId(7 + i), "tcp:-".getBytes(US_ASCII)).encoded()));
            accepted.add(listener.accept(Duration.ofSeconds(WAIT_SECONDS)));
        }
    }

    /**
     * Writes to the first connection without waiting until a write is cut short: the kernel's
     * buffers and the link's queue are full. Bounded: it fails the test if the writes never stop.
     *
     * @return the bytes written to each connection
     */
    private long[] fillTheLink() throws Exception {
        StreamSocket first = accepted.get(0);
        long total = Async.run(() -> {
            byte[] chunk = new byte[CHUNK];
            long sum = 0;
            while (sum < GIVE_UP_BYTES) {
                int n = first.writeNow(chunk, 0, chunk.length);
                sum += n;
                if (n < chunk.length) {
                    return sum;
                }
            }
            return sum;
        }).get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(total).as("the writes stopped short once the link had no room").isLessThan(GIVE_UP_BYTES);
        long[] written = new long[CONNECTIONS];
        written[0] = total;
        return written;
    }

    /**
     * Reads the link until a close came for {@code closes} connections.
     *
     * @return the data bytes each connection (by the peer's id) had before its close
     */
    private Map<Integer, Long> readUntilCloses(int closes) throws IOException {
        Map<Integer, Long> data = new HashMap<>();
        Set<Integer> closed = new HashSet<>();
        while (closed.size() < closes) {
            byte[] message = peer.readFrame();
            int id = ConnectionId.readRaw(message, 1);
            if ((message[0] & 0xFF) == SERVER_DATA) {
                assertThat(closed).as("data after the close of %d", id).doesNotContain(id);
                data.merge(id, (long) message.length - Message.HEADER_LENGTH, Long::sum);
            } else if ((message[0] & 0xFF) == SERVER_CLOSE) {
                assertThat(closed.add(id)).as("one close for %d", id).isTrue();
                data.putIfAbsent(id, 0L);
            }
        }
        return data;
    }
}
