package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.engine.ReceiveBuffer.Offer;
import org.ministreaming.testing.Await;

/** {@link ReceiveBuffer}: offers, reads, the three ways it ends, waiting, and a stress run. */
class ReceiveBufferTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
    }

    // ---------------------------------------------------------------- allowance and budget

    private static final int OVERHEAD = EngineSettings.BUFFERED_MESSAGE_OVERHEAD;

    @Test
    void anAllowanceCountsEachMessagesOverhead() {
        ReceiveBuffer buffer = new ReceiveBuffer(new ReceiveBudget<String>(Long.MAX_VALUE).account("a"), 3 * (10 + OVERHEAD), true);

        for (int i = 0; i < 3; i++) {
            assertThat(buffer.offer(ByteBuffer.wrap(new byte[10]), null, true)).isEqualTo(Offer.TAKEN);
        }

        assertThat(buffer.offer(wrap(1), null, true)).isEqualTo(Offer.BEYOND_BOUND);
        assertThat(buffer.available()).isEqualTo(30);
    }

    @Test
    void aWindowCountsDataBytesOnlyAfterTheBoundChanges() {
        ReceiveBuffer buffer = new ReceiveBuffer(new ReceiveBudget<String>(Long.MAX_VALUE).account("a"), 10, true);
        buffer.bound(10, false);

        for (int i = 0; i < 10; i++) {
            assertThat(buffer.offer(wrap(i), null, true)).isEqualTo(Offer.TAKEN);
        }

        assertThat(buffer.offer(wrap(1), null, true)).isEqualTo(Offer.BEYOND_BOUND);
    }

    @Test
    void everyMessageIsChargedToTheBudgetAndReleasedAsItIsRead() throws IOException {
        ReceiveBudget<String> budget = new ReceiveBudget<>(1 << 20);
        ReceiveBuffer buffer = new ReceiveBuffer(budget.account("a"), 1000, false);
        buffer.offer(wrap(1, 2, 3), null, true);
        buffer.offer(wrap(4, 5), null, true);
        assertThat(budget.held("a")).isEqualTo(5 + 2 * OVERHEAD);

        assertThat(buffer.read(new byte[2], 0, 2, 0)).isEqualTo(2);
        assertThat(budget.held("a")).isEqualTo(3 + 2 * OVERHEAD);

        assertThat(buffer.read(new byte[4], 0, 4, 0)).isEqualTo(3);
        assertThat(budget.used()).isZero();
        assertThat(budget.holders()).isZero();
    }

    @Test
    void aFullBudgetRefusesAndKeepsNothing() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(2 * (10 + OVERHEAD));
        ReceiveBuffer a = new ReceiveBuffer(budget.account("a"), 1 << 20, true);
        ReceiveBuffer b = new ReceiveBuffer(budget.account("b"), 1 << 20, false);

        assertThat(a.offer(ByteBuffer.wrap(new byte[10]), null, true)).isEqualTo(Offer.TAKEN);
        assertThat(b.offer(ByteBuffer.wrap(new byte[10]), null, true)).isEqualTo(Offer.TAKEN);
        assertThat(a.offer(wrap(1), null, true)).isEqualTo(Offer.BEYOND_BUDGET);

        assertThat(a.available()).isEqualTo(10);
        assertThat(budget.used()).isEqualTo(budget.limit());
    }

    @Test
    void discardingDropsTheBytesAndFailsReadsEvenAfterThePeersClose() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(1 << 20);
        ReceiveBuffer buffer = new ReceiveBuffer(budget.account("a"), 1000, true);
        buffer.offer(wrap(1, 2, 3), null, true);
        buffer.finish();

        buffer.discard(new IOException("receive budget exhausted"));

        assertThat(budget.used()).isZero();
        assertThat(buffer.available()).isZero();
        assertThatThrownBy(() -> buffer.read(new byte[1], 0, 1, 0)).isInstanceOf(IOException.class)
                .hasMessage("receive budget exhausted");
        assertThat(buffer.offer(wrap(4), null, true)).isEqualTo(Offer.TAKEN);
        assertThat(budget.used()).isZero();
    }

    @Test
    void closingLocallyReleasesTheCharge() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(1 << 20);
        ReceiveBuffer buffer = new ReceiveBuffer(budget.account("a"), 1000, false);
        buffer.offer(wrap(1, 2, 3), null, true);

        buffer.closeLocally();

        assertThat(budget.used()).isZero();
        assertThat(budget.holders()).isZero();
    }

    // ---------------------------------------------------------------- offer and read

    @Test
    void offeredBytesCanBeRead() throws IOException {
        ReceiveBuffer buffer = window(100);

        assertThat(buffer.offer(wrap(1, 2, 3), null, true)).isEqualTo(Offer.TAKEN);

        assertThat(buffer.available()).isEqualTo(3);
        assertThat(readAll(buffer, 10)).containsExactly(1, 2, 3);
        assertThat(buffer.available()).isZero();
    }

    @Test
    void aReadReturnsWhatIsAvailableWithoutWaitingToFillItsArray() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.offer(wrap(1, 2), null, true);
        buffer.offer(wrap(3, 4, 5), null, true);
        byte[] target = new byte[50];

        int n = buffer.read(target, 10, 40, 0);

        assertThat(n).isEqualTo(5);
        assertThat(Arrays.copyOfRange(target, 10, 15)).containsExactly(1, 2, 3, 4, 5);
        assertThat(target[9]).isZero();
        assertThat(target[15]).isZero();
    }

    @Test
    void aShortReadLeavesTheRestOfAChunkForTheNextRead() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.offer(wrap(1, 2, 3, 4, 5), null, true);
        byte[] target = new byte[2];

        assertThat(buffer.read(target, 0, 2, 0)).isEqualTo(2);
        assertThat(target).containsExactly(1, 2);
        assertThat(buffer.available()).isEqualTo(3);
        assertThat(readAll(buffer, 10)).containsExactly(3, 4, 5);
    }

    @Test
    void anOfferBeyondCapacityIsRefusedAndAddsNothing() throws IOException {
        ReceiveBuffer buffer = window(10);
        buffer.offer(wrap(1, 2, 3, 4, 5, 6), null, true);

        assertThat(buffer.offer(ByteBuffer.wrap(new byte[5]), null, true)).isEqualTo(Offer.BEYOND_BOUND);

        assertThat(buffer.available()).isEqualTo(6);
        assertThat(readAll(buffer, 100)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void readingMakesRoomForARefusedOffer() throws IOException {
        ReceiveBuffer buffer = window(10);
        buffer.offer(ByteBuffer.wrap(new byte[8]), null, true);
        assertThat(buffer.offer(wrap(9, 9, 9), null, true)).isEqualTo(Offer.BEYOND_BOUND);

        buffer.read(new byte[4], 0, 4, 0);

        assertThat(buffer.offer(wrap(9, 9, 9), null, true)).isEqualTo(Offer.TAKEN);
        assertThat(buffer.available()).isEqualTo(7);
    }

    @Test
    void anOfferOfExactlyTheCapacityFits() throws IOException {
        ReceiveBuffer buffer = window(4);

        assertThat(buffer.offer(wrap(1, 2, 3, 4), null, true)).isEqualTo(Offer.TAKEN);
        assertThat(buffer.offer(wrap(5), null, true)).isEqualTo(Offer.BEYOND_BOUND);

        assertThat(buffer.available()).isEqualTo(4);
        assertThat(readAll(buffer, 4)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aChunkLargerThanTheCapacityNeverFits() {
        ReceiveBuffer buffer = window(4);

        assertThat(buffer.offer(ByteBuffer.wrap(new byte[5]), null, true)).isEqualTo(Offer.BEYOND_BOUND);
        assertThat(buffer.available()).isZero();
    }

    @Test
    void anEmptyOfferIsAcceptedAndAddsNothing() throws IOException {
        ReceiveBuffer buffer = window(4);
        buffer.offer(wrap(1, 2, 3, 4), null, true);

        assertThat(buffer.offer(ByteBuffer.allocate(0), null, true)).isEqualTo(Offer.TAKEN);

        assertThat(buffer.available()).isEqualTo(4);
        buffer.finish();
        assertThat(readAll(buffer, 4)).containsExactly(1, 2, 3, 4);
        assertThat(buffer.read(new byte[1], 0, 1, 0)).isEqualTo(-1);
    }

    @Test
    void aReadOfLengthZeroReturnsZeroWithoutWaiting() throws IOException {
        ReceiveBuffer empty = window(4);
        assertThat(empty.read(new byte[1], 0, 0, 0)).isZero();

        ReceiveBuffer full = window(4);
        full.offer(wrap(7), null, true);
        assertThat(full.read(new byte[1], 0, 0, 0)).isZero();
        assertThat(full.available()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- ending

    @Test
    void afterFinishReadsDrainThenSeeEndOfStreamForever() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.offer(wrap(1, 2, 3), null, true);

        buffer.finish();

        assertThat(readAll(buffer, 2)).containsExactly(1, 2);
        assertThat(readAll(buffer, 2)).containsExactly(3);
        for (int i = 0; i < 3; i++) {
            assertThat(buffer.read(new byte[8], 0, 8, 0)).isEqualTo(-1);
        }
    }

    @Test
    void offersAfterFinishAreIgnored() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.finish();

        assertThat(buffer.offer(wrap(1, 2), null, true)).isEqualTo(Offer.TAKEN);

        assertThat(buffer.available()).isZero();
        assertThat(buffer.read(new byte[8], 0, 8, 0)).isEqualTo(-1);
    }

    @Test
    void afterFailReadsDrainThenThrowTheFailure() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.offer(wrap(1, 2, 3), null, true);
        IOException cause = new IOException("peer overran the receive buffer");

        buffer.fail(cause);

        assertThat(readAll(buffer, 10)).containsExactly(1, 2, 3);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> buffer.read(new byte[8], 0, 8, 0))
                    .isExactlyInstanceOf(IOException.class)
                    .hasMessage("peer overran the receive buffer")
                    .hasCause(cause);
        }
    }

    @Test
    void aFailureAfterFinishIsIgnored() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.finish();

        buffer.fail(new IOException("too late"));

        assertThat(buffer.read(new byte[8], 0, 8, 0)).isEqualTo(-1);
    }

    @Test
    void theFirstFailureWins() {
        ReceiveBuffer buffer = window(100);

        buffer.fail(new IOException("first"));
        buffer.fail(new IOException("second"));

        assertThatThrownBy(() -> buffer.read(new byte[8], 0, 8, 0)).hasMessage("first");
    }

    @Test
    void afterCloseLocallyReadsFailAtOnceAndNothingIsAvailable() {
        ReceiveBuffer buffer = window(100);
        buffer.offer(wrap(1, 2, 3), null, true);

        buffer.closeLocally();

        assertThat(buffer.available()).isZero();
        assertThatThrownBy(() -> buffer.read(new byte[8], 0, 8, 0))
                .isInstanceOf(SocketException.class)
                .hasMessage("Socket closed");
        assertThat(buffer.offer(wrap(4), null, true)).isEqualTo(Offer.TAKEN);
        assertThat(buffer.available()).isZero();
        assertThatThrownBy(() -> buffer.read(new byte[8], 0, 8, 0)).isInstanceOf(SocketException.class);
    }

    @Test
    void closeLocallyOutranksAnEarlierFinishOrFailure() {
        ReceiveBuffer finished = window(100);
        finished.offer(wrap(1), null, true);
        finished.finish();
        finished.closeLocally();
        assertThatThrownBy(() -> finished.read(new byte[8], 0, 8, 0)).isInstanceOf(SocketException.class);

        ReceiveBuffer failed = window(100);
        failed.fail(new IOException("reset"));
        failed.closeLocally();
        assertThatThrownBy(() -> failed.read(new byte[8], 0, 8, 0)).isInstanceOf(SocketException.class);
    }

    // ---------------------------------------------------------------- waiting

    @Test
    void aReadTimesOutWhenNothingArrives() {
        ReceiveBuffer buffer = window(100);
        long start = System.nanoTime();

        assertThatThrownBy(() -> buffer.read(new byte[8], 0, 8, 100))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("100 ms");

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(100L, 4_000L);
    }

    @Test
    void aReadWithATimeoutReturnsDataThatIsAlreadyThere() throws IOException {
        ReceiveBuffer buffer = window(100);
        buffer.offer(wrap(5), null, true);

        assertThat(buffer.read(new byte[8], 0, 8, 1)).isEqualTo(1);
    }

    @Test
    void anInterruptedReaderGetsInterruptedIoExceptionAndKeepsItsInterruptFlag() throws Exception {
        ReceiveBuffer buffer = window(100);
        CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
        Thread reader = start("interrupted-reader", () -> {
            try {
                buffer.read(new byte[8], 0, 8, 0);
                flagAfter.completeExceptionally(new AssertionError("read returned"));
            } catch (InterruptedIOException e) {
                flagAfter.complete(Thread.currentThread().isInterrupted());
            } catch (Throwable e) {
                flagAfter.completeExceptionally(e);
            }
        });
        awaitBlocked(reader);

        reader.interrupt();

        assertThat(flagAfter.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
    }

    @Test
    void aReaderThatIsAlreadyInterruptedFailsAtOnceWhenItWouldWait() {
        ReceiveBuffer buffer = window(100);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> buffer.read(new byte[8], 0, 8, 0)).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aBlockedReaderIsWokenByAnOffer() throws Exception {
        ReceiveBuffer buffer = window(100);
        CompletableFuture<byte[]> result = blockedRead(buffer, 0);

        buffer.offer(wrap(4, 2), null, true);

        assertThat(result.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(4, 2);
    }

    @Test
    void aBlockedReaderWithATimeoutIsWokenByAnOffer() throws Exception {
        ReceiveBuffer buffer = window(100);
        CompletableFuture<byte[]> result = blockedRead(buffer, 60_000);

        buffer.offer(wrap(4, 2), null, true);

        assertThat(result.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(4, 2);
    }

    @Test
    void aBlockedReaderIsWokenByFinishAndSeesEndOfStream() throws Exception {
        ReceiveBuffer buffer = window(100);
        CompletableFuture<byte[]> result = blockedRead(buffer, 0);

        buffer.finish();

        assertThat(result.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("EOF").isNull();
    }

    @Test
    void aBlockedReaderIsWokenByFailAndGetsTheFailure() throws Exception {
        ReceiveBuffer buffer = window(100);
        CompletableFuture<byte[]> result = blockedRead(buffer, 0);

        buffer.fail(new IOException("connection reset"));

        assertThat(result).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isExactlyInstanceOf(IOException.class)
                .withMessage("connection reset");
    }

    @Test
    void aBlockedReaderIsWokenByCloseLocallyAndGetsSocketException() throws Exception {
        ReceiveBuffer buffer = window(100);
        CompletableFuture<byte[]> result = blockedRead(buffer, 0);

        buffer.closeLocally();

        assertThat(result).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(SocketException.class)
                .withMessage("Socket closed");
    }

    // ---------------------------------------------------------------- stress

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void oneProducerAndOneConsumerMove20MiBIntact() throws Exception {
        int capacity = 4096;
        long total = 20L << 20;
        ReceiveBuffer buffer = window(capacity);
        Semaphore consumed = new Semaphore(0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<long[]> producer = pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(1);
                CRC32 crc = new CRC32();
                long sent = 0;
                long refusals = 0;
                while (sent < total) {
                    byte[] chunk = new byte[(int) Math.min(random.nextInt(capacity + 1), total - sent)];
                    random.nextBytes(chunk);
                    while (buffer.offer(ByteBuffer.wrap(chunk), null, true) != Offer.TAKEN) {
                        refusals++;
                        // Each permit is one read; a stale one only costs another try.
                        if (!consumed.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                            throw new AssertionError("consumer made no progress; sent " + sent);
                        }
                    }
                    crc.update(chunk);
                    sent += chunk.length;
                }
                buffer.finish();
                return new long[] {sent, crc.getValue(), refusals};
            });
            Future<long[]> consumer = pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(2);
                CRC32 crc = new CRC32();
                byte[] target = new byte[2 * capacity + 16];
                long received = 0;
                while (true) {
                    int offset = random.nextInt(16);
                    int length = 1 + random.nextInt(2 * capacity);
                    int n = buffer.read(target, offset, length, TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                    if (n < 0) {
                        return new long[] {received, crc.getValue()};
                    }
                    assertThat(n).isBetween(1, length);
                    crc.update(target, offset, n);
                    received += n;
                    consumed.release();
                }
            });

            long[] produced = producer.get(25, TimeUnit.SECONDS);
            long[] received = consumer.get(25, TimeUnit.SECONDS);

            assertThat(produced[0]).isEqualTo(total);
            assertThat(received[0]).as("bytes received").isEqualTo(total);
            assertThat(received[1]).as("CRC32 of received bytes").isEqualTo(produced[1]);
            assertThat(produced[2]).as("refused offers: the small capacity was exercised").isPositive();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void readersCopyingAtOnceWhileAProducerLendsTakeEveryByteOnceInOrderAndGiveEveryLoanBack() throws Exception {
        int messages = 20_000;
        ReceiveBuffer buffer = window(Integer.MAX_VALUE);
        AtomicInteger givenBack = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> producer = pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(3);
                int next = 0;
                for (int m = 0; m < messages; m++) {
                    ByteBuffer ints = ByteBuffer.allocate(4 * (1 + random.nextInt(64)));
                    while (ints.hasRemaining()) {
                        ints.putInt(next++);
                    }
                    assertThat(buffer.offer(ints.flip().asReadOnlyBuffer(), givenBack::incrementAndGet, true)).isEqualTo(Offer.TAKEN);
                    buffer.signalReadable();
                }
                buffer.finish();
                return next;
            });
            List<Future<List<Integer>>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                long seed = r;
                readers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<Integer> mine = new ArrayList<>();
                    byte[] target = new byte[4 * 100];
                    int n;
                    // Lengths in whole ints, and payloads of whole ints: every read returns whole ints.
                    while ((n = buffer.read(target, 0, 4 * (1 + random.nextInt(100)), TimeUnit.SECONDS.toMillis(WAIT_SECONDS))) >= 0) {
                        assertThat(n % 4).as("a read of whole ints").isZero();
                        ByteBuffer read = ByteBuffer.wrap(target, 0, n);
                        while (read.hasRemaining()) {
                            mine.add(read.getInt());
                        }
                    }
                    return mine;
                }));
            }

            int total = (int) producer.get(25, TimeUnit.SECONDS);
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> reader : readers) {
                List<Integer> mine = reader.get(25, TimeUnit.SECONDS);
                assertThat(mine).as("one reader's ints, in the order they were sent").isSorted();
                all.addAll(mine);
            }
            all.sort(null);
            assertThat(all).as("every int read once").hasSize(total);
            for (int i = 0; i < total; i++) {
                assertThat(all.get(i)).as("int %d", i).isEqualTo(i);
            }
            assertThat(givenBack).as("loans given back").hasValue(messages);
            assertThat(buffer.available()).isZero();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---------------------------------------------------------------- property

    /** One step of a single-threaded session: an offer of {@code size} bytes or a read of up to {@code size}. */
    record Step(boolean offer, int size) {
    }

    record Session(int capacity, List<Step> steps) {
    }

    @Provide
    Arbitrary<Session> sessions() {
        return Arbitraries.integers().between(1, 64).flatMap(capacity -> {
            Arbitrary<Step> offers = Arbitraries.integers().between(0, capacity).map(size -> new Step(true, size));
            Arbitrary<Step> reads = Arbitraries.integers().between(0, 2 * capacity).map(size -> new Step(false, size));
            return Arbitraries.oneOf(offers, reads).list().ofMaxSize(60).map(steps -> new Session(capacity, steps));
        });
    }

    @Property(tries = 500)
    void readsYieldExactlyTheAcceptedOffersAndAvailableTracksTheDifference(@ForAll("sessions") Session session)
            throws IOException {
        ReceiveBuffer buffer = window(session.capacity());
        ByteArrayOutputStream accepted = new ByteArrayOutputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int counter = 0;
        for (Step step : session.steps()) {
            int pending = accepted.size() - read.size();
            if (step.offer()) {
                byte[] chunk = new byte[step.size()];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) counter++;
                }
                boolean fits = step.size() <= session.capacity() - pending;
                assertThat(buffer.offer(ByteBuffer.wrap(chunk), null, true)).as("offer of %d with %d pending", step.size(), pending).isEqualTo(fits ? Offer.TAKEN : Offer.BEYOND_BOUND);
                if (fits) {
                    accepted.write(chunk);
                }
            } else if (pending > 0 || step.size() == 0) {
                byte[] target = new byte[step.size()];
                int n = buffer.read(target, 0, target.length, 0);
                assertThat(n).isEqualTo(Math.min(step.size(), pending));
                read.write(target, 0, n);
            }
            assertThat(buffer.available()).isEqualTo(accepted.size() - read.size());
        }
        buffer.finish();
        byte[] rest = new byte[session.capacity()];
        int n;
        while ((n = buffer.read(rest, 0, rest.length, 0)) >= 0) {
            read.write(rest, 0, n);
        }
        assertThat(buffer.available()).isZero();
        assertThat(read.toByteArray()).isEqualTo(accepted.toByteArray());
    }

    // ---------------------------------------------------------------- helpers

    /** A buffer bound by a window of {@code bytes} data bytes, charged to a budget never reached. */
    private static ReceiveBuffer window(int bytes) {
        return new ReceiveBuffer(new ReceiveBudget<String>(Long.MAX_VALUE).account("test"), bytes, false);
    }

    private static ByteBuffer wrap(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return ByteBuffer.wrap(bytes);
    }

    /** One read of up to {@code max} bytes that must not wait (the test thread would hang). */
    private static byte[] readAll(ReceiveBuffer buffer, int max) throws IOException {
        byte[] target = new byte[max];
        int n = buffer.read(target, 0, max, 1_000);
        assertThat(n).as("bytes read").isPositive();
        return Arrays.copyOf(target, n);
    }

    /** Starts a read of up to 8 bytes on another thread and returns once it waits; null in the result means EOF. */
    private CompletableFuture<byte[]> blockedRead(ReceiveBuffer buffer, long timeoutMillis) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = start("blocked-reader", () -> {
            try {
                byte[] target = new byte[8];
                int n = buffer.read(target, 0, target.length, timeoutMillis);
                result.complete(n < 0 ? null : Arrays.copyOf(target, n));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        awaitBlocked(reader);
        assertThat(result).isNotDone();
        return result;
    }

    private Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, "test-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    /** Waits, bounded, until {@code thread} parks inside {@link ReceiveBuffer#read}. */
    private static void awaitBlocked(Thread thread) {
        Await.parkedIn(thread, ReceiveBuffer.class, "read");
    }
}
