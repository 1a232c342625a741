package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.PatternWriter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Many connections over the reliable layer to one peer, on a path that drops, duplicates and
 * reorders, written the way a tunnel writes them: two threads for all of them, each write
 * without waiting ({@link StreamSocket#writeNow}), and what did not go waits for
 * {@link StreamSocket#onWritable}, for credit or for room in the peer's send window (the
 * layer's {@code SendRoom}). Every byte arrives, in order, and no write waits for a wake-up that
 * never comes.
 */
class ReliableWriteNowStressTest {

    private static final int CONNECTIONS = 8;
    private static final int BYTES = 512 * 1024;
    private static final int CHUNK = 20_000;

    private final MemoryNetwork network = new MemoryNetwork(new Random(11));
    private final ExecutorService writers = Executors.newFixedThreadPool(2);
    private final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        writers.shutdownNow();
        readers.shutdownNow();
        assertThat(writers.awaitTermination(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(readers.awaitTermination(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest(name = "flow control {0}")
    @ValueSource(booleans = {true, false})
    void everyByteOfManyConnectionsWrittenWithoutWaitingArrivesInOrderOverALossyPath(boolean flowControl) throws Exception {
        StreamOptions options = StreamOptions.builder().flowControl(flowControl).build();
        AtomicInteger cuts = new AtomicInteger();
        try (StreamManager server = StreamManager.open(transport("server"), options);
             StreamManager client = StreamManager.open(transport("client"), options)) {
            StreamServerSocket listener = server.serverSocket(); // before the first SYN, which would be refused without it
            List<Future<Long>> checked = new ArrayList<>();
            List<PatternWriter> written = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Future<StreamSocket> accepting = readers.submit(() -> listener.accept(Await.LIMIT));
                StreamSocket reader = client.connect(server.localDestination());
                StreamSocket writer = accepting.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
                checked.add(readers.submit(() -> PatternWriter.readAndCheck(reader)));
                PatternWriter steps = new PatternWriter(writer, BYTES, CHUNK, writers, cuts::incrementAndGet);
                written.add(steps);
            }
            network.setFaults(LinkFaults.NONE.withDropPercent(3).withDuplicatePercent(3).withReorderWindow(4));
            for (PatternWriter steps : written) {
                writers.execute(steps::step);
            }

            for (PatternWriter steps : written) {
                assertThat(steps.done()).succeedsWithin(Duration.ofSeconds(60));
            }
            for (Future<Long> bytes : checked) {
                assertThat(bytes.get(60, TimeUnit.SECONDS)).isEqualTo((long) BYTES);
            }
        }
        assertThat(cuts.get()).as("writes were cut short, so the wake-ups were needed").isPositive();
    }

    /** A small window, so that it fills; the local timers of the lossy-link stress test. */
    private ReliableTransport transport(String name) {
        return LossyLinkStressTest.local(network, name, 30, builder -> builder.window(8));
    }
}
