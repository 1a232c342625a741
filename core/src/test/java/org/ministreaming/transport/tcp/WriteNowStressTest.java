package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.PatternWriter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * Many connections over one TCP link with a small send queue, written the way a tunnel writes
 * them: two threads for all of them, each write without waiting ({@link StreamSocket#writeNow}),
 * and what did not go waits for {@link StreamSocket#onWritable}, for credit or for room in the
 * link. Every byte arrives, in order, and nothing waits for a wake-up that never comes.
 */
class WriteNowStressTest extends TcpFixture {

    private static final int CONNECTIONS = 8;
    private static final int BYTES = 2 << 20;
    private static final int CHUNK = 20_000;
    private static final int FIRST_ID = 7;
    /** Each plain connection's bytes: a burst every 64 KiB makes 64 of them in all. */
    private static final int PLAIN_BYTES = 512 * 1024;

    private final ExecutorService writers = Executors.newFixedThreadPool(2);
    /**
     * A permit for each write that sent less than it was given (the link had no room, or with flow
     * control no credit was left), for a reader that paces itself by them.
     */
    private final Semaphore cuts = new Semaphore(0);
    private final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        writers.shutdownNow();
        readers.shutdownNow();
        assertThat(writers.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(readers.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest(name = "flow control {0}")
    @ValueSource(booleans = {true, false})
    void everyByteOfManyConnectionsWrittenWithoutWaitingArrivesInOrder(boolean flowControl) throws Exception {
        StreamOptions options = StreamOptions.builder().flowControl(flowControl).build();
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(16 * 1024).build(), options));
        StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().build(), options));
        StreamServerSocket listener = server.serverSocket(); // before the first SYN, which would be refused without it
        List<Future<Long>> checked = new ArrayList<>();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Future<StreamSocket> accepting = readers.submit(() -> listener.accept(Duration.ofSeconds(WAIT_SECONDS)));
            StreamSocket reader = client.connect(server.localDestination());
            StreamSocket writer = accepting.get(WAIT_SECONDS, TimeUnit.SECONDS);
            checked.add(readers.submit(() -> PatternWriter.readAndCheck(reader)));
            PatternWriter steps = new PatternWriter(writer, BYTES, CHUNK, writers, cuts::release);
            written.add(steps.done());
            writers.execute(steps::step);
        }
        for (CompletableFuture<Void> done : written) {
            assertThat(done).succeedsWithin(Await.LIMIT);
        }
        for (Future<Long> bytes : checked) {
            assertThat(bytes.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo((long) BYTES);
        }
    }

    /**
     * A plain peer (no credit) that reads its link in bursts of 64 KiB, each after a write was cut
     * short again (or a tenth of a second, as reading 64 KiB may not make the socket writable): the
     * link fills again and again, and every write cut short must be woken by the room a burst
     * makes. Plain connections have only the link's room to wait for.
     */
    @Test
    void plainConnectionsOverALinkThatFillsAgainAndAgainGetEveryByteInOrder() throws Exception {
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(16 * 1024).build(),
                StreamOptions.builder().build()));
        StreamServerSocket listener = server.serverSocket();
        RawPeer peer = rawConnect(server.localDestination(), 4096); // a window that reading a burst reopens stays small
        peer.readFrame();
        peer.hello("-");
        List<CompletableFuture<Void>> written = new ArrayList<>();
        List<StreamSocket> accepted = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            peer.frame(RecordingReceiver.bytes(Message.syn(new ConnectionId(FIRST_ID + i), "tcp:-".getBytes(US_ASCII)).encoded()));
            accepted.add(listener.accept(Duration.ofSeconds(WAIT_SECONDS)));
        }
        // Every connection accepted first: an accept's ACK waits for room in the link as any send does.
        for (StreamSocket writer : accepted) {
            PatternWriter steps = new PatternWriter(writer, PLAIN_BYTES, CHUNK, writers, cuts::release);
            written.add(steps.done());
            writers.execute(steps::step);
        }
        long[] received = new long[CONNECTIONS];
        int closes = 0;
        long burst = 0;
        while (closes < CONNECTIONS) {
            byte[] message = peer.readFrame();
            int connection = ConnectionId.readRaw(message, 1) - FIRST_ID;
            if ((message[0] & 0xFF) == 0x52) {
                closes++;
            } else if ((message[0] & 0xFF) == 0x50) {
                for (int i = Message.HEADER_LENGTH; i < message.length; i++, received[connection]++) {
                    if (message[i] != PatternWriter.pattern(received[connection])) {
                        throw new AssertionError("byte " + received[connection] + " of connection " + connection + " differs");
                    }
                }
                burst += message.length;
            }
            if (burst >= 64 * 1024) {
                cuts.tryAcquire(100, TimeUnit.MILLISECONDS);
                cuts.drainPermits();
                burst = 0;
            }
        }
        for (CompletableFuture<Void> done : written) {
            assertThat(done).succeedsWithin(Await.LIMIT);
        }
        assertThat(received).containsOnly(PLAIN_BYTES);
    }
}
