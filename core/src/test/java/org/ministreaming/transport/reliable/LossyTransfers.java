package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ministreaming.RandomTransfers;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;

/**
 * Many connections between two managers, at most {@code concurrency} open at a time, each
 * carrying a random amount of random data both ways; every byte is checked with SHA-256 at the
 * receiving end. Each side writes on a thread of its own while it reads, as it must with flow
 * control. All threads are stopped before {@link #run} returns.
 */
final class LossyTransfers {

    /**
     * What a run moved.
     *
     * @param connections connections completed
     * @param bytes payload bytes moved, both directions together
     * @param nanos how long it took
     */
    record Outcome(int connections, long bytes, long nanos) {
        double mebibytesPerSecond() {
            return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
        }
    }

    private LossyTransfers() {
    }

    /** Options for managers that take part: default buffers and flow control; room for every connection. */
    static StreamOptions options(int concurrency) {
        return StreamOptions.builder()
                .acceptBacklog(Math.max(64, 2 * concurrency))
                .synsPerSecondPerPeer(100_000)
                .readTimeout(Duration.ofSeconds(60))
                .connectTimeout(Duration.ofSeconds(60))
                .acceptTimeout(Duration.ofSeconds(60))
                .build();
    }

    /**
     * Runs {@code connections} transfers of 0 to {@code maxBytes} each way, {@code concurrency} at a time.
     *
     * @throws AssertionError if any byte differs, or something failed
     */
    static Outcome run(StreamManager server, StreamManager client, int connections, int concurrency, int maxBytes, long seed)
            throws Exception {
        StreamServerSocket serverSocket = server.serverSocket();
        Map<Integer, String> sentByClient = new ConcurrentHashMap<>();
        Map<Integer, String> sentByServer = new ConcurrentHashMap<>();
        Map<Integer, String> receivedByClient = new ConcurrentHashMap<>();
        Map<Integer, String> receivedByServer = new ConcurrentHashMap<>();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-transfer-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        long bytes = 0;
        long start = System.nanoTime();
        try {
            List<Future<?>> serving = new CopyOnWriteArrayList<>();
            Future<?> accepting = threads.submit(() -> {
                for (int i = 0; i < connections; i++) {
                    StreamSocket socket = serverSocket.accept(Duration.ofSeconds(120));
                    serving.add(threads.submit(() -> serve(socket, seed, maxBytes, threads, sentByServer, receivedByServer)));
                }
                return null;
            });
            List<Future<?>> talking = new ArrayList<>();
            Semaphore open = new Semaphore(concurrency);
            for (int i = 0; i < connections; i++) {
                bytes += size(seed, i, maxBytes) + size(seed, -i - 1, maxBytes);
                int index = i;
                open.acquire();
                talking.add(threads.submit(() -> {
                    try {
                        talk(client.connect(server.localDestination()), index, seed, maxBytes, threads, sentByClient, receivedByClient);
                    } finally {
                        open.release();
                    }
                    return null;
                }));
                for (Future<?> done : List.copyOf(talking)) {
                    if (done.isDone()) {
                        done.get();
                        talking.remove(done);
                    }
                }
            }
            for (Future<?> future : talking) {
                future.get(5, TimeUnit.MINUTES);
            }
            accepting.get(5, TimeUnit.MINUTES);
            for (Future<?> future : serving) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).as("transfer threads ended").isTrue();
        }
        long nanos = System.nanoTime() - start;
        assertThat(receivedByServer).hasSize(connections).isEqualTo(sentByClient);
        assertThat(receivedByClient).hasSize(connections).isEqualTo(sentByServer);
        return new Outcome(connections, bytes, nanos);
    }

    private static int size(long seed, int stream, int maxBytes) {
        return new SplittableRandom(seed * 1_000_003L + stream).nextInt(maxBytes + 1);
    }

    /** Client side: says which connection this is, sends its data while it reads the answer, closes. */
    private static void talk(StreamSocket socket, int index, long seed, int maxBytes, ExecutorService threads,
                             Map<Integer, String> sent, Map<Integer, String> received) throws Exception {
        try (socket) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(index);
            Future<String> sending = threads.submit(() -> RandomTransfers.sendRandom(out, new SplittableRandom(seed * 1_000_003L + index), maxBytes));
            received.put(index, RandomTransfers.receiveDigest(new DataInputStream(socket.getInputStream())));
            sent.put(index, sending.get(5, TimeUnit.MINUTES));
        }
    }

    /** Server side: sends its data while it reads the client's, then waits for the client's close. */
    private static Void serve(StreamSocket socket, long seed, int maxBytes, ExecutorService threads,
                              Map<Integer, String> sent, Map<Integer, String> received) throws Exception {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int index = in.readInt();
            Future<String> sending = threads.submit(() -> RandomTransfers.sendRandom(new DataOutputStream(socket.getOutputStream()), new SplittableRandom(seed * 1_000_003L - index - 1), maxBytes));
            String digest = RandomTransfers.receiveDigest(in);
            String sentDigest = sending.get(5, TimeUnit.MINUTES);
            assertThat(in.read()).as("the client closes after reading everything").isEqualTo(-1);
            received.put(index, digest);
            sent.put(index, sentDigest);
        }
        return null;
    }
}
