package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * A connection over the reliable layer to a peer whose acknowledgements stop coming for a while
 * (everything on the path is dropped): a write that does not wait ({@link StreamSocket#writeNow})
 * returns once the peer's window is full, {@link StreamSocket#onWritable} runs once an
 * acknowledgement makes room, a close never waits, and the peer gets every byte, then the end.
 */
@Timeout(60)
class WriteNowOverAFullWindowTest {

    private static final int CHUNK = 8 * 1024;
    /** Far beyond the window; reaching it means the writes never stopped. */
    private static final long GIVE_UP_BYTES = 64L << 20;

    private final MemoryNetwork network = new MemoryNetwork(new Random(5));
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writesThatDoNotWaitStopAtAFullWindowAndGoOnOnceAnAcknowledgementMakesRoom() throws Exception {
        try (StreamManager server = StreamManager.open(transport("server"));
             StreamManager client = StreamManager.open(transport("client"))) {
            StreamServerSocket listener = server.serverSocket(); // before the SYN, which would be refused without it
            Future<StreamSocket> accepting = threads.submit(() -> listener.accept(Duration.ofSeconds(10)));
            StreamSocket writer = client.connect(server.localDestination());
            StreamSocket reader = accepting.get(10, TimeUnit.SECONDS);
            network.setFaults(LinkFaults.NONE.withDropPercent(100));

            long written = threads.submit(() -> {
                byte[] chunk = new byte[CHUNK];
                long sum = 0;
                for (int n = CHUNK; n == CHUNK && sum < GIVE_UP_BYTES; sum += n) {
                    n = writer.writeNow(chunk, 0, CHUNK);
                }
                return sum;
            }).get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(written).as("the writes stopped at the full window").isLessThan(GIVE_UP_BYTES);
            CountDownLatch writable = new CountDownLatch(1);
            writer.onWritable(threads, writable::countDown);
            assertThat(writable.getCount()).as("no room while nothing is acknowledged").isEqualTo(1);
            assertThat(threads.submit(() -> {
                writer.close();
                return true;
            })).as("a close behind the full window").succeedsWithin(Await.LIMIT);

            network.setFaults(LinkFaults.NONE);
            assertThat(writable.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("woken once room was made").isTrue();
            InputStream in = reader.getInputStream();
            assertThat(in.readNBytes((int) written + 1)).as("every byte written, then the end").hasSize((int) written);
        }
    }

    private ReliableTransport transport(String name) {
        return ReliableTransport.builder(network.endpoint(name))
                .window(4)
                .minRto(Duration.ofMillis(50))
                .initialRto(Duration.ofMillis(50))
                .maxRto(Duration.ofMillis(400))
                .maxRetries(30)
                .ackDelay(Duration.ofMillis(5))
                .build();
    }
}
