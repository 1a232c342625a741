package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.engine.Counter;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Many connections at once between two managers, random amounts both ways, every byte checked
 * by SHA-256 on both ends. Flow control keeps every receive buffer at its default 256 KiB.
 */
class ConcurrentTransfersTest {

    private static final int CONNECTIONS = 200;
    private static final int MAX_BYTES = 2 << 20;

    @Test
    void twoHundredConnectionsMoveRandomDataBothWaysIntact() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        // One peer opens every connection at once: the backlog lets one peer hold half of it.
        StreamOptions options = StreamOptions.builder()
                .acceptBacklog(2 * CONNECTIONS)
                .readTimeout(Duration.ofSeconds(60))
                .build();
        Map<Integer, String> sentByClient = new ConcurrentHashMap<>();
        Map<Integer, String> sentByServer = new ConcurrentHashMap<>();
        Map<Integer, String> receivedByClient = new ConcurrentHashMap<>();
        Map<Integer, String> receivedByServer = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2 * CONNECTIONS);
        try (StreamManager server = StreamManager.open(network.endpoint("server"), options);
             StreamManager client = StreamManager.open(network.endpoint("client"), options)) {
            StreamServerSocket serverSocket = server.serverSocket();
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                work.add(pool.submit(() -> serve(serverSocket.accept(Duration.ofSeconds(60)), sentByServer, receivedByServer)));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                int index = i;
                work.add(pool.submit(() -> talk(client.connect(server.localDestination()), index, sentByClient, receivedByClient)));
            }
            for (Future<?> future : work) {
                future.get(5, TimeUnit.MINUTES);
            }
            assertThat(server.statistics().get(Counter.OVERRUN)).isZero();
            assertThat(client.statistics().get(Counter.OVERRUN)).isZero();
            assertThat(server.statistics().get(Counter.INTERNAL_ERROR)).isZero();
            assertThat(client.statistics().get(Counter.INTERNAL_ERROR)).isZero();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(receivedByServer).hasSize(CONNECTIONS).isEqualTo(sentByClient);
        assertThat(receivedByClient).hasSize(CONNECTIONS).isEqualTo(sentByServer);
        assertThat(Threads.ministreamingThreads()).isEmpty();
    }

    /**
     * Client side: says which connection this is, then sends its data on another thread while it
     * reads the answer (with flow control, a side that only wrote would wait for the other to
     * read), then closes.
     */
    private static Void talk(StreamSocket socket, int index, Map<Integer, String> sent, Map<Integer, String> received)
            throws Exception {
        try (socket) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(index);
            CompletableFuture<String> sending = Async.run(() -> sendRandom(out, new Random(index)));
            received.put(index, receiveDigest(new DataInputStream(socket.getInputStream())));
            sent.put(index, sending.get(5, TimeUnit.MINUTES));
        }
        return null;
    }

    /** Server side: sends its data while it reads the client's, then waits for the client's close. */
    private static Void serve(StreamSocket socket, Map<Integer, String> sent, Map<Integer, String> received)
            throws Exception {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int index = in.readInt();
            CompletableFuture<String> sending = Async.run(() -> sendRandom(new DataOutputStream(socket.getOutputStream()), new Random(-index - 1)));
            received.put(index, receiveDigest(in));
            sent.put(index, sending.get(5, TimeUnit.MINUTES));
            assertThat(in.read()).as("the client closes after reading everything").isEqualTo(-1);
        }
        return null;
    }

    private static String sendRandom(DataOutputStream out, Random random) throws Exception {
        byte[] data = new byte[random.nextInt(MAX_BYTES + 1)];
        random.nextBytes(data);
        out.writeInt(data.length);
        int at = 0;
        while (at < data.length) {
            int chunk = Math.min(data.length - at, 1 + random.nextInt(100_000));
            out.write(data, at, chunk);
            at += chunk;
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String receiveDigest(DataInputStream in) throws Exception {
        int length = in.readInt();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[16384];
        int left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("stream ended with " + left + " of " + length + " bytes missing");
            }
            digest.update(buffer, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
