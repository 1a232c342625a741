package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.i2p.crypto.SigType;
import net.i2p.data.Destination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.Counter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * Bulk data from a peer that behaves as the original implementation does over I2CP: plain
 * messages, protocol 0, no flow control, sent as fast as I2CP takes them. Our managers run with
 * their default settings, except where a test sets the allowance it is about.
 */
@ExtendWith(SharedRouter.class)
@Timeout(300)
class OriginalBulkTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final int CHUNK = 32768;

    @Test
    void twentyDownloadsFromAnOriginalServerCompleteWithReadersThatPause(I2pRouter router) throws Exception {
        int downloads = 20;
        int size = 10 << 20;
        try (RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1));
             StreamManager client = StreamManager.open(Endpoints.on(router).build())) {
            OriginalServer server = new OriginalServer(original, size);
            Thread serving = new Thread(server::serve, "test-original-server");
            serving.start();
            try {
                List<CompletableFuture<byte[]>> received = new ArrayList<>();
                for (int i = 0; i < downloads; i++) {
                    long seed = i;
                    received.add(Async.run(() -> {
                        try (StreamSocket socket = client.connect(original.keys().destination())) {
                            return digestPausing(socket.getInputStream(), new SplittableRandom(seed));
                        }
                    }));
                }
                for (CompletableFuture<byte[]> download : received) {
                    assertThat(download.get(240, TimeUnit.SECONDS)).isEqualTo(OriginalServer.digest(size));
                }
            } finally {
                serving.interrupt();
                serving.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(serving.isAlive()).isFalse();
            assertThat(client.statistics()).containsEntry(Counter.OVERRUN, 0L).containsEntry(Counter.RECEIVE_BUDGET_EXHAUSTED, 0L);
        }
    }

    @Test
    void anUploadFromAnOriginalClientToAnApplicationThatReadsAfterThreeSecondsCompletes(I2pRouter router) throws Exception {
        int size = 8 << 20;
        I2pKeys serverKeys = I2pKeys.generate();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).keys(serverKeys).build());
             RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1))) {
            StreamServerSocket serverSocket = server.serverSocket();
            CompletableFuture<byte[]> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(60))) {
                    Thread.sleep(3000); // the application is busy elsewhere; the original keeps sending
                    return digestPausing(socket.getInputStream(), null);
                }
            });

            byte[] serverId = OriginalClient.connect(original, serverKeys.i2pDestination(), "123456");
            OriginalClient.upload(original, serverKeys.i2pDestination(), serverId, size);

            assertThat(served.get(120, TimeUnit.SECONDS)).isEqualTo(OriginalServer.digest(size));
            assertThat(server.statistics()).containsEntry(Counter.OVERRUN, 0L);
        }
    }

    @Test
    void aReaderThatNeverReadsIsClosedAtTheAllowanceAndTheOthersCarryOn(I2pRouter router) throws Exception {
        int allowance = 1 << 20;
        int size = 4 << 20;
        I2pKeys serverKeys = I2pKeys.generate();
        StreamOptions options = StreamOptions.builder().plainReceiveAllowance(allowance).acceptTimeout(Duration.ofSeconds(60)).build();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).keys(serverKeys).build(), options);
             RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1))) {
            StreamServerSocket serverSocket = server.serverSocket();
            Destination to = serverKeys.i2pDestination();

            CompletableFuture<StreamSocket> accepting = Async.run(() -> serverSocket.accept(Duration.ofSeconds(60)));
            byte[] stuckId = OriginalClient.connect(original, to, "111111");
            StreamSocket stuck = accepting.get(60, TimeUnit.SECONDS);
            accepting = Async.run(() -> serverSocket.accept(Duration.ofSeconds(60)));
            byte[] readingId = OriginalClient.connect(original, to, "222222");
            StreamSocket reading = accepting.get(60, TimeUnit.SECONDS);
            CompletableFuture<byte[]> read = Async.run(() -> {
                try (reading) {
                    return digestPausing(reading.getInputStream(), null);
                }
            });

            OriginalClient.upload(original, to, stuckId, 2 * allowance);
            OriginalClient.upload(original, to, readingId, size);

            assertThat(read.get(120, TimeUnit.SECONDS)).isEqualTo(OriginalServer.digest(size));
            try (stuck) {
                InputStream in = stuck.getInputStream();
                assertThatThrownBy(() -> in.readAllBytes())
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("plainReceiveAllowance");
            }
            assertThat(server.statistics()).containsEntry(Counter.OVERRUN, 1L);
            RawSession.Received close;
            do {
                close = original.next();
            } while (!HEX.formatHex(close.bytes()).equals("52111111"));
        }
    }

    /** SHA-256 of everything {@code in} gives; with {@code pauses}, sleeps 0-200 ms at random spells. */
    private static byte[] digestPausing(InputStream in, SplittableRandom pauses) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            if (pauses != null && pauses.nextInt(16) == 0) {
                Thread.sleep(pauses.nextInt(201)); // the reader falls behind on purpose
            }
        }
        return sha.digest();
    }

    /** The data every scripted sender sends: the same pseudo-random bytes for a given size. */
    static byte[] data(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    /**
     * An original server: its receive loop ACKs each SYN at once, and a thread per connection
     * sends {@code size} bytes at full speed, then the close.
     */
    private static final class OriginalServer {
        private static final Map<Integer, byte[]> DIGESTS = new ConcurrentHashMap<>();
        private final RawSession session;
        private final int size;
        private final byte[] payload;
        private final List<Thread> senders = new ArrayList<>();

        OriginalServer(RawSession session, int size) {
            this.session = session;
            this.size = size;
            this.payload = data(size);
        }

        static byte[] digest(int size) {
            return DIGESTS.computeIfAbsent(size, s -> {
                try {
                    return MessageDigest.getInstance("SHA-256").digest(data(s));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        void serve() {
            int serverId = 1;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    RawSession.Received message = session.poll(Duration.ofMillis(200));
                    if (message == null || message.bytes()[0] != (byte) 0xA1) {
                        continue;
                    }
                    byte[] clientId = Arrays.copyOfRange(message.bytes(), 1, 4);
                    Destination client = I2pDestinations.read(message.bytes(), 4);
                    byte[] server = HEX.parseHex(String.format("%06X", serverId++));
                    session.send(client, OriginalPeerTest.concat(OriginalPeerTest.concat(HEX.parseHex("51"), clientId), server), 0);
                    Thread sender = new Thread(() -> {
                        try {
                            sendAll(session, client, (byte) 0x50, clientId, payload);
                            session.send(client, OriginalPeerTest.concat(HEX.parseHex("52"), clientId), 0);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, "test-original-sender-" + HEX.formatHex(clientId));
                    senders.add(sender);
                    sender.start();
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                for (Thread sender : senders) {
                    try {
                        sender.join(TimeUnit.SECONDS.toMillis(60));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /** An original client: SYN with its destination, then data at full speed, then its close. */
    private static final class OriginalClient {
        private OriginalClient() {
        }

        /** Sends a SYN with client id {@code clientIdHex} and returns the server id of the ACK. */
        static byte[] connect(RawSession session, Destination server, String clientIdHex) throws Exception {
            session.send(server, OriginalPeerTest.concat(HEX.parseHex("A1" + clientIdHex), session.keys().destinationBytes()), 0);
            RawSession.Received ack;
            do {
                ack = session.next();
            } while (!HEX.formatHex(ack.bytes()).startsWith("51" + clientIdHex));
            assertThat(ack.bytes()).hasSize(7);
            return Arrays.copyOfRange(ack.bytes(), 4, 7);
        }

        static void upload(RawSession session, Destination server, byte[] serverId, int size) throws Exception {
            sendAll(session, server, (byte) 0xA0, serverId, data(size));
            session.send(server, OriginalPeerTest.concat(HEX.parseHex("A2"), serverId), 0);
        }
    }

    private static void sendAll(RawSession session, Destination to, byte type, byte[] id, byte[] payload) throws Exception {
        for (int at = 0; at < payload.length; at += CHUNK) {
            int n = Math.min(CHUNK, payload.length - at);
            byte[] message = new byte[4 + n];
            message[0] = type;
            System.arraycopy(id, 0, message, 1, 3);
            System.arraycopy(payload, at, message, 4, n);
            session.send(to, message, 0);
        }
    }
}
