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
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Concurrent connections between two managers, random amounts of random data both ways, every
 * byte checked by SHA-256 on both ends. Each side sends on a thread of its own while it reads,
 * as it must with flow control: a side that only wrote would wait for the other to read.
 */
public final class RandomTransfers {

    private RandomTransfers() {
    }

    /**
     * Options for managers that take part: default buffers and flow control, and a backlog that
     * lets one peer open every connection at once (one peer may hold half the backlog).
     */
    public static StreamOptions options(int connections) {
        return StreamOptions.builder()
                .acceptBacklog(2 * connections)
                .readTimeout(Duration.ofSeconds(60))
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Runs {@code connections} transfers of up to {@code maxBytes} each way at once and checks them. */
    public static void run(StreamManager server, StreamManager client, int connections, int maxBytes) throws Exception {
        StreamServerSocket serverSocket = server.serverSocket();
        Map<Integer, String> sentByClient = new ConcurrentHashMap<>();
        Map<Integer, String> sentByServer = new ConcurrentHashMap<>();
        Map<Integer, String> receivedByClient = new ConcurrentHashMap<>();
        Map<Integer, String> receivedByServer = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int index = i;
            work.add(Async.run(() -> serve(serverSocket.accept(Duration.ofSeconds(30)), maxBytes, sentByServer, receivedByServer)));
            work.add(Async.run(() -> talk(client.connect(server.localDestination()), index, maxBytes, sentByClient, receivedByClient)));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);

        assertThat(receivedByServer).hasSize(connections).isEqualTo(sentByClient);
        assertThat(receivedByClient).hasSize(connections).isEqualTo(sentByServer);
        for (StreamManager manager : List.of(server, client)) {
            assertThat(manager.statistics()).containsEntry(Counter.OVERRUN, 0L).containsEntry(Counter.INTERNAL_ERROR, 0L)
                    .containsEntry(Counter.SEND_FAILED, 0L);
        }
    }

    /** Client side: says which connection this is, sends its data while it reads the answer, closes. */
    private static Void talk(StreamSocket socket, int index, int maxBytes, Map<Integer, String> sent, Map<Integer, String> received)
            throws Exception {
        try (socket) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(index);
            CompletableFuture<String> sending = Async.run(() -> sendRandom(out, new Random(index), maxBytes));
            received.put(index, receiveDigest(new DataInputStream(socket.getInputStream())));
            sent.put(index, sending.get(5, TimeUnit.MINUTES));
        }
        return null;
    }

    /** Server side: sends its data while it reads the client's, then waits for the client's close. */
    private static Void serve(StreamSocket socket, int maxBytes, Map<Integer, String> sent, Map<Integer, String> received)
            throws Exception {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int index = in.readInt();
            CompletableFuture<String> sending = Async.run(
                    () -> sendRandom(new DataOutputStream(socket.getOutputStream()), new Random(-index - 1), maxBytes));
            received.put(index, receiveDigest(in));
            sent.put(index, sending.get(5, TimeUnit.MINUTES));
            assertThat(in.read()).as("the client closes after reading everything").isEqualTo(-1);
        }
        return null;
    }

    /**
     * Sends a length and then up to {@code maxBytes} random bytes from {@code random}, in writes of
     * random sizes.
     *
     * @return the SHA-256 of the bytes, in hex
     */
    public static String sendRandom(DataOutputStream out, RandomGenerator random, int maxBytes) throws Exception {
        byte[] data = new byte[random.nextInt(maxBytes + 1)];
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

    /**
     * Reads what {@link #sendRandom} sent.
     *
     * @return the SHA-256 of the bytes, in hex
     */
    public static String receiveDigest(DataInputStream in) throws Exception {
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
