package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/** The credit extension between two managers of ours: writers wait, readers never overrun. */
@Timeout(60)
class FlowControlTest {

    private static final int WINDOW = 64 * 1024;
    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<StreamManager> managers = new ArrayList<>();

    private StreamManager manager(String name, StreamOptions.Builder options) throws IOException {
        StreamManager manager = StreamManager.open(network.endpoint(name), options.build());
        managers.add(manager);
        return manager;
    }

    @AfterEach
    void stop() {
        managers.forEach(StreamManager::close);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    /** Connects {@code client} to {@code server}: the client's end first, the server's second. */
    private static StreamSocket[] connect(StreamManager client, StreamManager server) throws Exception {
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(WAIT_SECONDS)));
        StreamSocket socket = client.connect(server.localDestination());
        return new StreamSocket[] {socket, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    @Test
    void twoManagersOfOursAgreeToFlowControl() throws Exception {
        StreamSocket[] pair = connect(manager("a", StreamOptions.builder()), manager("b", StreamOptions.builder()));

        assertThat(pair[0].hasFlowControl()).isTrue();
        assertThat(pair[1].hasFlowControl()).isTrue();
    }

    @Test
    void flowControlCanBeTurnedOffOnEitherSide() throws Exception {
        StreamSocket[] offByClient = connect(manager("a", StreamOptions.builder().flowControl(false)), manager("b", StreamOptions.builder()));
        StreamSocket[] offByServer = connect(manager("c", StreamOptions.builder()), manager("d", StreamOptions.builder().flowControl(false)));

        assertThat(offByClient[0].hasFlowControl()).isFalse();
        assertThat(offByClient[1].hasFlowControl()).isFalse();
        assertThat(offByServer[0].hasFlowControl()).isFalse();
        assertThat(offByServer[1].hasFlowControl()).isFalse();
    }

    @Test
    void aWriterWaitsForCreditAndGivesUpAfterItsWriteTimeout() throws Exception {
        StreamManager writer = manager("writer", StreamOptions.builder().writeTimeout(Duration.ofMillis(300)));
        StreamManager reader = manager("reader", StreamOptions.builder().receiveBufferSize(WINDOW));
        StreamSocket[] pair = connect(writer, reader);

        assertThatThrownBy(() -> pair[0].getOutputStream().write(new byte[4 * WINDOW]))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("credit");

        assertThat(pair[1].getInputStream().available()).isEqualTo(WINDOW);
        assertThat(pair[1].connection().receiveHighWater()).isEqualTo(WINDOW);
        assertThat(reader.statistics().get(Counter.OVERRUN)).isZero();
    }

    @Test
    void readingGivesTheWriterCreditToGoOn() throws Exception {
        StreamManager writer = manager("writer", StreamOptions.builder());
        StreamManager reader = manager("reader", StreamOptions.builder().receiveBufferSize(WINDOW).maxReceiveWindow(WINDOW));
        StreamSocket[] pair = connect(writer, reader);
        byte[] data = new byte[10 * WINDOW + 123];
        new Random(5).nextBytes(data);

        CompletableFuture<Void> written = Async.run(() -> {
            pair[0].getOutputStream().write(data);
            pair[0].close();
            return null;
        });

        assertThat(pair[1].getInputStream().readAllBytes()).isEqualTo(data);
        written.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(pair[1].connection().receiveHighWater()).isLessThanOrEqualTo(WINDOW);
    }

    @Test
    void closingTheSocketWakesAWriterWaitingForCredit() throws Exception {
        StreamSocket[] pair = connect(manager("writer", StreamOptions.builder()),
                manager("reader", StreamOptions.builder().receiveBufferSize(WINDOW)));
        Async.Running<Void> write = Async.run(() -> {
            pair[0].getOutputStream().write(new byte[4 * WINDOW]);
            return null;
        });
        awaitWriterBlocked(pair[1], write);

        pair[0].close();

        assertThatThrownBy(() -> write.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class);
    }

    @Test
    void anInterruptedWriteWaitingForCreditThrowsInterruptedIoExceptionAndKeepsTheFlag() throws Exception {
        StreamSocket[] pair = connect(manager("writer", StreamOptions.builder()),
                manager("reader", StreamOptions.builder().receiveBufferSize(WINDOW)));

        Blocked.assertInterruptedWhileBlocked(() -> {
            pair[0].getOutputStream().write(new byte[4 * WINDOW]);
            return null;
        }, Blocked::inWriteForCredit);

        assertThat(pair[1].getInputStream().readNBytes(WINDOW)).as("what was sent before the interrupt").hasSize(WINDOW);
    }

    @Test
    void aCutLinkFailsBlockedReadsAndWritesOnTheNewsOfTheLoss() throws Exception {
        StreamManager a = manager("a", StreamOptions.builder());
        StreamManager b = manager("b", StreamOptions.builder().receiveBufferSize(WINDOW));
        StreamSocket[] pair = connect(a, b);
        Async.Running<Void> blockedWrite = Async.run(() -> {
            pair[0].getOutputStream().write(new byte[4 * WINDOW]);
            return null;
        });
        awaitWriterBlocked(pair[1], blockedWrite);
        Async.Running<Integer> blockedRead = Async.run(() -> pair[0].getInputStream().read());
        Blocked.inRead(blockedRead.thread());

        network.cut(a.localDestination(), b.localDestination());

        // No timeout is set: only the news of the lost link can end these calls (at once; the
        // bound only keeps a busy machine from flaking the test).
        assertThatThrownBy(() -> blockedWrite.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("lost the link");
        assertThatThrownBy(() -> blockedRead.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("lost the link");
        StreamSocket[] other = connect(manager("c", StreamOptions.builder()), b);
        other[0].getOutputStream().write(9);
        assertThat(other[1].getInputStream().read()).isEqualTo(9);
    }

    /**
     * Readers on four threads share one socket while the window grows: between grants each read is
     * counted under the credit's own reader lock, not the connection's, and no read's count may be
     * lost (the writer would wait for credit forever) or counted twice (the writer would overrun).
     */
    @RepeatedTest(5)
    void readersOnFourThreadsOfOneSocketGiveBackEveryByteOfCredit() throws Exception {
        StreamManager writer = manager("writer", StreamOptions.builder());
        StreamManager reader = manager("reader", StreamOptions.builder().receiveBufferSize(WINDOW).maxReceiveWindow(16 * WINDOW));
        StreamSocket[] pair = connect(writer, reader);
        byte[] data = randomBytes(7, 8 << 20);
        CompletableFuture<Void> written = Async.run(() -> {
            pair[0].getOutputStream().write(data);
            pair[0].close();
            return null;
        });

        List<CompletableFuture<long[]>> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int chunk = 1000 + 7919 * i;
            readers.add(Async.run(() -> {
                InputStream in = pair[1].getInputStream();
                byte[] buffer = new byte[chunk];
                long count = 0;
                long sum = 0;
                for (int n; (n = in.read(buffer)) != -1;) {
                    count += n;
                    for (int j = 0; j < n; j++) {
                        sum += buffer[j] & 0xFF;
                    }
                }
                return new long[] {count, sum};
            }));
        }

        long count = 0;
        long sum = 0;
        for (CompletableFuture<long[]> each : readers) {
            long[] got = each.get(WAIT_SECONDS, TimeUnit.SECONDS);
            count += got[0];
            sum += got[1];
        }
        written.get(WAIT_SECONDS, TimeUnit.SECONDS);
        long expectedSum = 0;
        for (byte b : data) {
            expectedSum += b & 0xFF;
        }
        assertThat(count).isEqualTo(data.length);
        assertThat(sum).isEqualTo(expectedSum);
        assertThat(reader.statistics().get(Counter.OVERRUN)).isZero();
        assertThat(writer.statistics().get(Counter.CREDIT_VIOLATION)).isZero();
        assertThat(reader.statistics().get(Counter.CREDIT_VIOLATION)).isZero();
    }

    @Test
    void oneSleepingReaderStallsNoneOfFiftyOthers() throws Exception {
        // fixed windows: once the others are done the sleeper reads fast, and its window could grow
        StreamManager server = manager("server", StreamOptions.builder().receiveBufferSize(WINDOW).maxReceiveWindow(WINDOW)
                .acceptBacklog(64));
        StreamManager client = manager("client", StreamOptions.builder());
        int fast = 50;
        int bytesEach = 1 << 20;
        StreamSocket[] slow = connect(client, server);
        CountDownLatch fastDone = new CountDownLatch(fast);
        byte[] slowData = randomBytes(-1, 8 * WINDOW);
        CompletableFuture<Void> slowWriter = Async.run(() -> {
            slow[0].getOutputStream().write(slowData);
            slow[0].close();
            return null;
        });
        CompletableFuture<String> slowReader = Async.run(() -> {
            assertThat(fastDone.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the others finish while this reader sleeps").isTrue();
            return sha256(slow[1].getInputStream());
        });

        List<CompletableFuture<String>> received = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < fast; i++) {
            StreamSocket[] pair = connect(client, server);
            byte[] data = randomBytes(i, bytesEach);
            sent.add(sha256(data));
            Async.run(() -> {
                pair[0].getOutputStream().write(data);
                pair[0].close();
                return null;
            });
            received.add(Async.run(() -> {
                String digest = sha256(pair[1].getInputStream());
                fastDone.countDown();
                return digest;
            }));
        }

        for (int i = 0; i < fast; i++) {
            assertThat(received.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(sent.get(i));
        }
        assertThat(slow[1].connection().receiveHighWater()).isLessThanOrEqualTo(WINDOW);
        assertThat(slowReader.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(sha256(slowData));
        slowWriter.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(server.statistics().get(Counter.OVERRUN)).isZero();
        assertThat(server.statistics().get(Counter.CREDIT_VIOLATION)).isZero();
    }

    @Test
    void pingMeasuresTheRoundTripToAPeerWithFlowControl() throws Exception {
        StreamManager a = manager("a", StreamOptions.builder());
        StreamManager b = manager("b", StreamOptions.builder());
        connect(a, b);

        assertThat(a.ping(b.localDestination(), Duration.ofSeconds(5))).hasValueSatisfying(rtt -> assertThat(rtt).isPositive());
        assertThat(b.statistics().get(Counter.PINGS_ANSWERED)).isEqualTo(1);
    }

    @Test
    void idleTimeoutKeepsAQuietConnectionBetweenOurManagersOpenWithPings() throws Exception {
        Duration idle = Duration.ofSeconds(3); // generous: a loaded 2-core machine must not miss a keepalive
        StreamManager a = manager("a", StreamOptions.builder().idleTimeout(idle));
        StreamManager b = manager("b", StreamOptions.builder().idleTimeout(idle));
        StreamSocket[] pair = connect(a, b);

        Await.until("keepalive pings flow both ways", () -> a.statistics().get(Counter.PINGS_ANSWERED) >= 3
                && b.statistics().get(Counter.PINGS_ANSWERED) >= 3);

        assertThat(pair[0].isClosed()).isFalse();
        assertThat(pair[1].isClosed()).isFalse();
        assertThat(a.statistics().get(Counter.IDLE_CLOSED) + b.statistics().get(Counter.IDLE_CLOSED)).isZero();
    }

    /** Waits until the reader's buffer is full and the writer is parked waiting for credit. */
    private static void awaitWriterBlocked(StreamSocket reader, Async.Running<?> writer) {
        Await.until("the reader's window fills", () -> reader.connection().available() >= WINDOW);
        Blocked.inWriteForCredit(writer.thread());
    }

    private static byte[] randomBytes(long seed, int length) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[8192];
        int n;
        while ((n = new DataInputStream(in).read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
