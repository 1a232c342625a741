package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Reading and writing without waiting ({@link StreamSocket#readNow}, {@link StreamSocket#writeNow})
 * and the one-shot readiness callbacks that tell when to try again: each fires on its change, at
 * once when the side is ready already, never under a lock of the library, and none is lost when
 * many threads drive many connections.
 */
@Timeout(120)
class NonBlockingSocketTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();
    /** A small window, so that a writer runs out of credit soon. */
    private static final int WINDOW = 4096;

    private final MemoryNetwork network = new MemoryNetwork();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private StreamManager alice;
    private StreamManager bob;
    private StreamServerSocket bobServer;

    @BeforeEach
    void start() throws IOException {
        StreamOptions options = StreamOptions.builder().receiveBufferSize(WINDOW).maxReceiveWindow(WINDOW).build();
        alice = StreamManager.open(network.endpoint("alice"), options);
        bob = StreamManager.open(network.endpoint("bob"), options);
        bobServer = bob.serverSocket();
    }

    @AfterEach
    void stop() throws InterruptedException {
        alice.close();
        bob.close();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /** A connected pair: alice's end first, bob's second. */
    private StreamSocket[] connect() throws Exception {
        CompletableFuture<StreamSocket> accepted = Async.run(() -> bobServer.accept(Duration.ofSeconds(WAIT_SECONDS)));
        StreamSocket client = alice.connect(bob.localDestination());
        return new StreamSocket[] {client, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    @Test
    void readableFiresWhenBytesArriveAndReadNowTakesThem() throws Exception {
        StreamSocket[] pair = connect();
        byte[] buffer = new byte[16];
        assertThat(pair[0].readNow(buffer, 0, buffer.length)).as("nothing has arrived").isZero();
        CountDownLatch fired = new CountDownLatch(1);
        pair[0].onReadable(pool, fired::countDown);
        assertThat(fired.getCount()).as("not fired before anything arrived").isEqualTo(1);

        pair[1].getOutputStream().write(new byte[] {1, 2, 3});

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pair[0].readNow(buffer, 0, buffer.length)).isEqualTo(3);
        assertThat(Arrays.copyOf(buffer, 3)).containsExactly(1, 2, 3);
        assertThat(pair[0].readNow(buffer, 0, buffer.length)).isZero();
    }

    @Test
    void readableFiresAtOnceWhenBytesAreBufferedAlready() throws Exception {
        StreamSocket[] pair = connect();
        pair[1].getOutputStream().write(7);
        Await.until("the byte arrived", () -> pair[0].connection().available() == 1);

        CountDownLatch fired = new CountDownLatch(1);
        pair[0].onReadable(pool, fired::countDown);

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pair[0].readNow(new byte[4], 0, 4)).isEqualTo(1);
    }

    @Test
    void readableFiresAtTheEndAndReadNowThenSaysSo() throws Exception {
        StreamSocket[] pair = connect();
        CountDownLatch fired = new CountDownLatch(1);
        pair[0].onReadable(pool, fired::countDown);

        pair[1].close();

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pair[0].readNow(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void readableFiresOnAFailureAndReadNowThrowsIt() throws Exception {
        StreamSocket[] pair = connect();
        CountDownLatch fired = new CountDownLatch(1);
        pair[0].onReadable(pool, fired::countDown);

        alice.close();

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> pair[0].readNow(new byte[4], 0, 4)).isInstanceOf(SocketException.class)
                .hasMessage("the manager was closed");
    }

    @Test
    void aSecondCallbackBeforeTheFirstRanIsRefused() throws Exception {
        StreamSocket[] pair = connect();
        pair[0].onReadable(pool, () -> { });

        assertThatThrownBy(() -> pair[0].onReadable(pool, () -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writeNowTakesOnlyTheCreditThereIsAndWritableFiresWhenMoreComes() throws Exception {
        StreamSocket[] pair = connect();
        byte[] chunk = new byte[WINDOW * 4];
        int sent = pair[0].writeNow(chunk, 0, chunk.length);
        assertThat(sent).as("the peer's window").isEqualTo(WINDOW);
        assertThat(pair[0].writeNow(chunk, 0, chunk.length)).as("no credit left").isZero();
        CountDownLatch fired = new CountDownLatch(1);
        pair[0].onWritable(pool, fired::countDown);
        assertThat(fired.getCount()).as("not fired without credit").isEqualTo(1);

        assertThat(pair[1].getInputStream().readNBytes(WINDOW)).hasSize(WINDOW);

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pair[0].writeNow(chunk, 0, chunk.length)).isPositive();
    }

    @Test
    void writableFiresAtOnceWhenThereIsCredit() throws Exception {
        StreamSocket[] pair = connect();
        CountDownLatch fired = new CountDownLatch(1);

        pair[0].onWritable(pool, fired::countDown);

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writableFiresWhenThePeerClosesAndWriteNowThrows() throws Exception {
        StreamSocket[] pair = connect();
        byte[] chunk = new byte[WINDOW];
        pair[0].writeNow(chunk, 0, chunk.length);
        CountDownLatch fired = new CountDownLatch(1);
        pair[0].onWritable(pool, fired::countDown);

        pair[1].close();

        assertThat(fired.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> pair[0].writeNow(chunk, 0, chunk.length)).isInstanceOf(ConnectionResetException.class);
    }

    @Test
    void callbacksRunUnderNoLockSoTheyMayCallBackIntoTheSocketFromAnotherThread() throws Exception {
        StreamSocket[] pair = connect();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            // Run on the thread that fires (the receive path), and have another thread use the
            // socket meanwhile: that thread would wait for ever on a lock the firing thread held.
            CompletableFuture<Integer> readInside = new CompletableFuture<>();
            pair[0].onReadable(Runnable::run, () -> callFromOtherThread(other, readInside,
                    () -> pair[0].readNow(new byte[8], 0, 8) + pair[0].writeNow(new byte[1], 0, 1)));
            pair[1].getOutputStream().write(new byte[] {1, 2});
            assertThat(readInside.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(3);

            byte[] chunk = new byte[WINDOW * 2];
            while (pair[0].writeNow(chunk, 0, chunk.length) > 0) {
                // until the credit is used up
            }
            CompletableFuture<Integer> writeInside = new CompletableFuture<>();
            pair[0].onWritable(Runnable::run, () -> callFromOtherThread(other, writeInside,
                    () -> pair[0].writeNow(new byte[1], 0, 1) + pair[0].readNow(new byte[8], 0, 8)));
            pair[1].getInputStream().readNBytes(WINDOW);
            assertThat(writeInside.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            other.shutdownNow();
            assertThat(other.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** A call that may throw, for {@link #callFromOtherThread}. */
    @FunctionalInterface
    private interface SocketCall {
        int call() throws IOException;
    }

    /** Makes {@code call} on {@code other} and waits for it, at most 10 s, completing {@code outcome}. */
    private static void callFromOtherThread(ExecutorService other, CompletableFuture<Integer> outcome, SocketCall call) {
        Future<Integer> done = other.submit(call::call);
        try {
            outcome.complete(done.get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            outcome.completeExceptionally(e);
        }
    }

    @Test
    void aPingPongOfOneByteDrivenOnlyByCallbacksLosesNoWakeUp() throws Exception {
        // Each side answers every byte it reads with one byte: only one is ever in flight, so a
        // single lost wake-up stops the game, and each arrival races the reader's registration.
        int rounds = 20_000;
        StreamSocket[] pair = connect();
        CompletableFuture<Integer> over = new CompletableFuture<>();
        Runnable[] answer = new Runnable[2];
        for (int side = 0; side < 2; side++) {
            StreamSocket socket = pair[side];
            boolean counting = side == 0;
            int[] seen = {0};
            answer[side] = () -> {
                try {
                    byte[] one = new byte[1];
                    int n;
                    while ((n = socket.readNow(one, 0, 1)) > 0) {
                        if (counting && ++seen[0] == rounds) {
                            over.complete(seen[0]);
                            return;
                        }
                        socket.writeNow(one, 0, 1);
                    }
                    if (n < 0) {
                        over.completeExceptionally(new IOException("ended after " + seen[0] + " rounds"));
                        return;
                    }
                    socket.onReadable(pool, answer[counting ? 0 : 1]);
                } catch (IOException | RuntimeException e) {
                    over.completeExceptionally(e);
                }
            };
        }
        pair[0].onReadable(pool, answer[0]);
        pair[1].onReadable(pool, answer[1]);
        pair[0].writeNow(new byte[] {1}, 0, 1);

        assertThat(over.get(90, TimeUnit.SECONDS)).isEqualTo(rounds);
    }

    @Test
    void manyConnectionsDrivenOnlyByCallbacksOnAFewThreadsLoseNoWakeUp() throws Exception {
        int connections = 6;
        int bytesEach = 512 * 1024;
        ExecutorService drivers = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture<?>[] received = new CompletableFuture<?>[connections];
            CompletableFuture<?>[] sent = new CompletableFuture<?>[connections];
            byte[][] data = new byte[connections][];
            for (int i = 0; i < connections; i++) {
                data[i] = new byte[bytesEach];
                new Random(i).nextBytes(data[i]);
                StreamSocket[] pair = connect();
                sent[i] = new NonBlockingCopy(pair[0], drivers, new Random(100 + i)).send(data[i]);
                received[i] = new NonBlockingCopy(pair[1], drivers, new Random(200 + i)).receive(bytesEach);
            }
            CompletableFuture.allOf(sent).get(90, TimeUnit.SECONDS);
            for (int i = 0; i < connections; i++) {
                assertThat((byte[]) received[i].get(90, TimeUnit.SECONDS)).as("connection %d", i).isEqualTo(data[i]);
            }
        } finally {
            drivers.shutdownNow();
            assertThat(drivers.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }
}
