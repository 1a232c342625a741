package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
import org.ministreaming.testing.Await;

/**
 * Bulk data from a peer that behaves as the original implementation does over I2CP: plain
 * messages, protocol 0, no flow control, sent as fast as I2CP takes them. Our managers run with
 * their default settings, except where a test sets the allowance it is about.
 *
 * <p>Plain messages over I2CP are best effort: a router hands a session what others on it send
 * through a queue of 256 messages and drops what does not fit (protocol.md §15, "The router's
 * queue"), which a heavily loaded machine can bring about. Plain mode has no sequence numbers, so
 * such a loss reaches the reader as a stream with whole messages missing. The tests therefore
 * check every stream against the bytes sent ({@link StreamCheck}): nothing may be cut, repeated,
 * reordered or changed, and the messages missing must be exactly those the router says it dropped
 * (its final status for each message sent, {@link RawSession#sendReported}).
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
        byte[] sent = data(size);
        try (RawSession original = new RawSession(router, I2pKeys.generate(SigType.DSA_SHA1));
             StreamManager client = StreamManager.open(Endpoints.on(router).build())) {
            OriginalServer server = new OriginalServer(original, sent);
            Thread serving = new Thread(server::serve, "test-original-server");
            serving.start();
            try {
                List<CompletableFuture<StreamCheck>> received = new ArrayList<>();
                for (int i = 0; i < downloads; i++) {
                    long seed = i;
                    received.add(Async.run(() -> {
                        try (StreamSocket socket = client.connect(original.keys().destination())) {
                            return checkPausing(socket.getInputStream(), new SplittableRandom(seed), sent);
                        }
                    }));
                }
                List<StreamCheck> checks = new ArrayList<>();
                for (CompletableFuture<StreamCheck> download : received) {
                    try {
                        checks.add(download.get(240, TimeUnit.SECONDS));
                    } catch (ExecutionException | TimeoutException e) {
                        throw new AssertionError("a download failed; " + server.report(), e);
                    }
                }
                String report = checks.stream().map(StreamCheck::describe).collect(Collectors.joining("\n")) + "\n" + server.report();
                assertThat(server.repeatedSyns()).as("client ids whose SYN came twice: our client sent it again before the ACK"
                        + " reached it, the original opened a second connection, and both send data under that one client id"
                        + " (protocol.md §9):\n" + report).isEmpty();
                assertThat(checks).as(report).allMatch(StreamCheck::onlyWholeMessagesMissing);
                assertThat(sorted(checks.stream().map(check -> check.missing().toString())))
                        .as("the messages missing from each download, against those the router dropped on the way to each:\n" + report)
                        .isEqualTo(sorted(server.outcomes().stream().map(outcome -> outcome.dropped().toString())));
                int missing = checks.stream().mapToInt(check -> check.missing().size()).sum();
                if (missing > 0) {
                    System.out.println("the router dropped " + missing + " of the " + downloads * (size / CHUNK)
                            + " data messages on the way to our client; each download lacks exactly those, the rest arrived in order");
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
            CompletableFuture<StreamCheck> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(60))) {
                    Thread.sleep(3000); // the application is busy elsewhere; the original keeps sending
                    return checkPausing(socket.getInputStream(), null, data(size));
                }
            });

            byte[] serverId = OriginalClient.connect(original, serverKeys.i2pDestination(), "123456");
            Outcomes outcomes = OriginalClient.upload(original, serverKeys.i2pDestination(), serverId, size);

            assertUploaded(served.get(120, TimeUnit.SECONDS), outcomes);
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
            CompletableFuture<StreamCheck> read = Async.run(() -> {
                try (reading) {
                    return checkPausing(reading.getInputStream(), null, data(size));
                }
            });

            OriginalClient.upload(original, to, stuckId, 2 * allowance);
            Outcomes outcomes = OriginalClient.upload(original, to, readingId, size);

            assertUploaded(read.get(120, TimeUnit.SECONDS), outcomes);
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

    /**
     * Reads {@code in} to its end, checking it against {@code sent}; with {@code pauses}, sleeps
     * 0-200 ms at random spells.
     */
    private static StreamCheck checkPausing(InputStream in, SplittableRandom pauses, byte[] sent) throws Exception {
        StreamCheck check = new StreamCheck(sent, CHUNK);
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            check.update(buffer, 0, n);
            if (pauses != null && pauses.nextInt(16) == 0) {
                Thread.sleep(pauses.nextInt(201)); // the reader falls behind on purpose
            }
        }
        check.finish();
        return check;
    }

    /** One upload arrived as sent, but for exactly the messages the router dropped on the way. */
    private static void assertUploaded(StreamCheck check, Outcomes outcomes) {
        assertThat(check.onlyWholeMessagesMissing()).as(check.describe()).isTrue();
        assertThat(check.missing()).as("the messages missing, against those the router dropped: " + check.describe())
                .isEqualTo(outcomes.dropped());
    }

    private static List<String> sorted(java.util.stream.Stream<String> strings) {
        return strings.sorted().toList();
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
        private final RawSession session;
        private final byte[] payload;
        private final List<Thread> senders = new ArrayList<>();
        private final List<Outcomes> outcomes = Collections.synchronizedList(new ArrayList<>());
        private final Set<String> syns = ConcurrentHashMap.newKeySet();
        private final Set<String> repeated = ConcurrentHashMap.newKeySet();
        private final Set<String> droppedAcks = ConcurrentHashMap.newKeySet();
        private final Set<String> droppedCloses = ConcurrentHashMap.newKeySet();

        OriginalServer(RawSession session, byte[] payload) {
            this.session = session;
            this.payload = payload;
        }

        /** The client ids whose SYN came more than once. */
        Set<String> repeatedSyns() {
            return Set.copyOf(repeated);
        }

        /** What the server saw, for a failure message. */
        String report() {
            return "the original server got SYNs for " + syns.size() + " client ids, " + repeated.size() + " of them more than once "
                    + repeated + "; the router dropped its ACKs to " + droppedAcks + " and its closes to " + droppedCloses;
        }

        /** The router's word on each connection's data messages, one entry per connection served. */
        List<Outcomes> outcomes() {
            return List.copyOf(outcomes);
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
                    String id = HEX.formatHex(clientId);
                    if (!syns.add(id)) {
                        repeated.add(id);
                    }
                    session.sendReported(client, OriginalPeerTest.concat(OriginalPeerTest.concat(HEX.parseHex("51"), clientId), server), 0,
                            delivered -> {
                                if (!delivered) {
                                    droppedAcks.add(id);
                                }
                            });
                    Outcomes connection = new Outcomes(payload.length);
                    outcomes.add(connection);
                    Thread sender = new Thread(() -> {
                        try {
                            sendAll(session, client, (byte) 0x50, clientId, payload, connection);
                            session.sendReported(client, OriginalPeerTest.concat(HEX.parseHex("52"), clientId), 0, delivered -> {
                                if (!delivered) {
                                    droppedCloses.add(id);
                                }
                            });
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

        /** Sends {@code size} bytes of data, then the close; returns the router's word on the data messages. */
        static Outcomes upload(RawSession session, Destination server, byte[] serverId, int size) throws Exception {
            Outcomes outcomes = new Outcomes(size);
            sendAll(session, server, (byte) 0xA0, serverId, data(size), outcomes);
            session.send(server, OriginalPeerTest.concat(HEX.parseHex("A2"), serverId), 0);
            return outcomes;
        }
    }

    /** Sends {@code payload} in data messages of {@value #CHUNK} bytes at full speed, message {@code i} with {@code outcomes.of(i)}. */
    private static void sendAll(RawSession session, Destination to, byte type, byte[] id, byte[] payload, Outcomes outcomes)
            throws Exception {
        for (int at = 0; at < payload.length; at += CHUNK) {
            int n = Math.min(CHUNK, payload.length - at);
            byte[] message = new byte[4 + n];
            message[0] = type;
            System.arraycopy(id, 0, message, 1, 3);
            System.arraycopy(payload, at, message, 4, n);
            session.sendReported(to, message, 0, outcomes.of(at / CHUNK));
        }
    }

    /** What the router finally said of each data message of one connection: which ones it dropped. */
    private static final class Outcomes {
        private final int messages;
        private final Set<Integer> dropped = ConcurrentHashMap.newKeySet();
        private final AtomicInteger settled = new AtomicInteger();

        Outcomes(int size) {
            this.messages = (size + CHUNK - 1) / CHUNK;
        }

        RawSession.LocalOutcome of(int index) {
            return delivered -> {
                if (!delivered) {
                    dropped.add(index);
                }
                settled.incrementAndGet();
            };
        }

        /** The indexes of the messages the router dropped, once it has settled every one. */
        List<Integer> dropped() {
            Await.until(() -> "the router's final status of all " + messages + " messages, " + settled.get() + " so far",
                    () -> settled.get() >= messages);
            return dropped.stream().sorted().toList();
        }
    }
}
