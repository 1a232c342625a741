package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.Async;
import org.ministreaming.Blocked;
import org.ministreaming.PeerLostException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * A stall of the path that only one side notices, as in the benchmark over the simulated poor I2P
 * path: the writer waits for credit with nothing of its own in flight, the reader's credit is lost
 * until its reliable layer gives the writer's side up. The writer's side must learn of it too,
 * although nothing of its own was unacknowledged: its blocked writer and reader fail soon with
 * {@link PeerLostException}, not after the write timeout; and a writer waiting for credit with a
 * callback ({@link StreamSocket#onWritable}), without a thread, hears of it as soon.
 */
@Timeout(60)
class OneSidedLossTest {

    /** Far above what the test waits for: a writer still blocked then waited for it. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(300);
    /** A few give-up times of the layer below, and a probe interval, with room for a busy machine. */
    private static final long PROMPTLY_SECONDS = 15;
    private static final int WINDOW = 16 * 1024;
    private static final StreamOptions OPTIONS = StreamOptions.builder()
            .receiveBufferSize(WINDOW).maxReceiveWindow(WINDOW)
            .readTimeout(WRITE_TIMEOUT).writeTimeout(WRITE_TIMEOUT).build();

    private final MemoryNetwork network = new MemoryNetwork(new Random(5));

    @Test
    void aWriterWaitingForCreditFailsWithPeerLostWhenOnlyTheReadersSideGaveUp() throws Exception {
        ReliableTransport serverTransport = transport("server");
        ReliableTransport clientTransport = transport("client");
        try (StreamManager server = StreamManager.open(serverTransport, OPTIONS);
             StreamManager client = StreamManager.open(clientTransport, OPTIONS)) {
            StreamSocket[] pair = connected(server, client);
            StreamSocket outgoing = pair[0];
            StreamSocket incoming = pair[1];

            Async.Running<Void> writing = Async.run(() -> {
                byte[] chunk = new byte[4096];
                while (true) {
                    outgoing.getOutputStream().write(chunk);
                }
            });
            Async.Running<Integer> clientReading = Async.run(() -> outgoing.getInputStream().read());
            Blocked.inWriteForCredit(writing.thread());
            Blocked.inRead(clientReading.thread());
            Async.Running<Long> serverReading = cutUntilTheServerGivesTheClientUp(serverTransport, clientTransport, incoming);
            long pathBack = System.nanoTime();

            Throwable writeFailure = catchThrowable(() -> writing.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            Throwable readFailure = catchThrowable(() -> clientReading.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            Throwable serverReadFailure = catchThrowable(() -> serverReading.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            System.out.printf("the client's writer failed %d ms after the path came back%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pathBack));
            assertThat(writeFailure).as("the client's writer").hasCauseExactlyInstanceOf(PeerLostException.class);
            assertThat(writeFailure.getCause().getCause()).as("the cause kept").isInstanceOf(PeerLostException.class)
                    .hasCauseInstanceOf(IOException.class);
            assertThat(readFailure).as("the client's reader").hasCauseExactlyInstanceOf(PeerLostException.class);
            assertThat(serverReadFailure).as("the server's reader").hasCauseExactlyInstanceOf(PeerLostException.class);
            assertThat(outgoing.isClosed()).isTrue();
            assertThat(incoming.isClosed()).isTrue();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aWritabilityCallbackWaitingForCreditRunsWhenOnlyTheReadersSideGaveUp() throws Exception {
        ReliableTransport serverTransport = transport("server");
        ReliableTransport clientTransport = transport("client");
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        try (StreamManager server = StreamManager.open(serverTransport, OPTIONS);
             StreamManager client = StreamManager.open(clientTransport, OPTIONS)) {
            StreamSocket[] pair = connected(server, client);
            StreamSocket outgoing = pair[0];
            StreamSocket incoming = pair[1];
            byte[] chunk = new byte[4096];
            while (outgoing.writeNow(chunk, 0, chunk.length) > 0) {
                // until the credit is used up
            }
            CountDownLatch writable = new CountDownLatch(1);
            outgoing.onWritable(callbacks, writable::countDown);
            Async.Running<Long> serverReading = cutUntilTheServerGivesTheClientUp(serverTransport, clientTransport, incoming);

            assertThat(writable.await(PROMPTLY_SECONDS, TimeUnit.SECONDS)).as("the callback ran, woken by the news of the loss").isTrue();
            assertThat(catchThrowable(() -> outgoing.writeNow(chunk, 0, chunk.length))).isInstanceOf(PeerLostException.class);
            assertThat(catchThrowable(() -> serverReading.get(PROMPTLY_SECONDS, TimeUnit.SECONDS)))
                    .as("the server's reader").hasCauseExactlyInstanceOf(PeerLostException.class);
        } finally {
            callbacks.shutdownNow();
            assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    /** A connection from {@code client} to {@code server}: the client's socket, then the server's. */
    private static StreamSocket[] connected(StreamManager server, StreamManager client) throws Exception {
        StreamServerSocket listening = server.serverSocket();
        Async.Running<StreamSocket> accepting = Async.run(() -> listening.accept(Duration.ofSeconds(10)));
        StreamSocket outgoing = client.connect(server.localDestination());
        return new StreamSocket[] {outgoing, accepting.get(10, TimeUnit.SECONDS)};
    }

    /**
     * Once nothing is in flight either way, drops everything on the path, with the server reading
     * (so that its credit is what gets lost), until the server's layer gives the client up; then
     * mends the path. The client's side has nothing of its own unacknowledged meanwhile.
     *
     * @return the server's reading, which ends with the loss
     */
    private Async.Running<Long> cutUntilTheServerGivesTheClientUp(ReliableTransport serverTransport, ReliableTransport clientTransport,
            StreamSocket incoming) {
        Await.until("nothing in flight either way",
                () -> clientTransport.unacknowledged(serverTransport.localDestination()) == 0
                        && serverTransport.unacknowledged(clientTransport.localDestination()) == 0);
        network.setFaults(LinkFaults.NONE.withDropPercent(100));
        Async.Running<Long> serverReading = Async.run(() -> drain(incoming.getInputStream()));
        Await.until("the server's layer gave the client up",
                () -> serverTransport.statistics().get(ReliableCounter.PEERS_LOST) > 0);
        network.setFaults(LinkFaults.NONE);
        return serverReading;
    }

    /** Reads until the stream fails or ends; returns the bytes read if it ends. */
    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    private ReliableTransport transport(String name) {
        return ReliableTransport.builder(network.endpoint(name))
                .minRto(Duration.ofMillis(50))
                .initialRto(Duration.ofMillis(50))
                .maxRto(Duration.ofMillis(400))
                .maxRetries(4)
                .ackDelay(Duration.ofMillis(5))
                .build();
    }
}
