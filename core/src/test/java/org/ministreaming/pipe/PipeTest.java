package org.ministreaming.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;

/** {@link Pipe} and {@link Deadline}: room, order, placement, deadlines, ends and who they wake. */
class PipeTest {

    private static final Deadline FOREVER = Deadline.none(() -> "interrupted in the test");
    /** For what must not wait on the test's own thread: a broken pipe fails the test rather than hanging it. */
    private static final Deadline NOW = Deadline.in(0, () -> new SocketTimeoutException("would wait"), () -> "interrupted");

    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(Await.LIMIT.toMillis());
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
    }

    /** A pipe of strings, each weighing its length, whose rethrown causes are wrapped as the engine does. */
    private static Pipe<String> pipe(long capacity) {
        return new Pipe<>(capacity, String::length, PipeTest::again);
    }

    private static IOException again(IOException cause) {
        return cause instanceof SocketException ? (IOException) new SocketException(cause.getMessage()).initCause(cause)
                : new IOException(cause.getMessage(), cause);
    }

    private static Deadline in(long millis) {
        return Deadline.in(millis, () -> new SocketTimeoutException("timed out after " + millis + " ms"), () -> "interrupted");
    }

    // ---------------------------------------------------------------- room and order

    @Test
    void itemsComeOutInOrderAndTheWeightFollowsThem() throws IOException {
        Pipe<String> pipe = pipe(10);
        pipe.put("abc", Placement.tail(), FOREVER, () -> { });
        pipe.put("de", Placement.tail(), FOREVER, () -> { });
        assertThat(pipe.held()).isEqualTo(5);
        assertThat(pipe.size()).isEqualTo(2);

        assertThat(pipe.take(FOREVER)).isEqualTo("abc");
        assertThat(pipe.held()).isEqualTo(2);
        assertThat(pipe.take(FOREVER)).isEqualTo("de");
        assertThat(pipe.held()).isZero();
    }

    @Test
    void anItemHeavierThanTheCapacityGoesIntoAPipeThatHoldsNothingButNoFurther() throws Exception {
        Pipe<String> pipe = pipe(3);
        pipe.put("", Placement.tail(), FOREVER, () -> { });
        pipe.put("0123456789", Placement.tail(), in(0), () -> { });

        assertThatThrownBy(() -> pipe.put("x", Placement.tail(), in(0), () -> { })).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("timed out after 0 ms");
        assertThat(pipe.size()).as("nothing added by the failed put").isEqualTo(2);
    }

    @Test
    void aWriterWaitsForRoomAndGoesOnWhenTheReaderTakes() throws Exception {
        Pipe<String> pipe = pipe(4);
        pipe.put("abcd", Placement.tail(), FOREVER, () -> { });
        CompletableFuture<Void> put = run("writer", () -> pipe.put("e", Placement.tail(), FOREVER, () -> { }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");
        assertThat(put).isNotDone();

        assertThat(pipe.take(FOREVER)).isEqualTo("abcd");

        put.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(pipe.take(FOREVER)).isEqualTo("e");
    }

    @Test
    void aWaitingWritersGuardEndsItsWaitWhenWoken() throws Exception {
        Pipe<String> pipe = pipe(1);
        pipe.put("a", Placement.tail(), FOREVER, () -> { });
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Void> put = run("writer", () -> pipe.put("b", Placement.tail(), FOREVER, () -> {
            if (closed.get()) {
                throw new IOException("writer closed");
            }
        }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");

        closed.set(true);
        pipe.wake();

        assertThat(failure(put)).isInstanceOf(IOException.class).hasMessage("writer closed");
        assertThat(pipe.size()).isEqualTo(1);
    }

    @Test
    void aWriterThatWaitedGoesOnOnceItsLaneHoldsAtMostHalfWhileANewWriterGoesInAtOnce() throws Exception {
        Pipe<String> pipe = pipe(6);
        pipe.put("ab", Placement.tail(), NOW, () -> { });
        pipe.put("cd", Placement.tail(), NOW, () -> { });
        pipe.put("ef", Placement.tail(), NOW, () -> { });
        AtomicInteger looks = new AtomicInteger();
        CompletableFuture<Void> put = run("writer", () -> pipe.put("g", Placement.tail(), FOREVER, looks::incrementAndGet));
        Await.parkedIn(threads.get(0), Pipe.class, "put");

        assertThat(pipe.take(NOW)).isEqualTo("ab");
        pipe.wake();
        Await.until("the writer to look again", () -> looks.get() == 2);

        assertThat(pipe.held()).as("room for its item, but the lane holds more than half").isEqualTo(4);
        assertThat(put).isNotDone();
        pipe.put("h", Placement.tail(), NOW, () -> { });
        assertThat(pipe.take(NOW)).isEqualTo("cd");
        put.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(List.of(pipe.take(NOW), pipe.take(NOW), pipe.take(NOW))).containsExactly("ef", "h", "g");
    }

    @Test
    void anOfferNeverWaitsAndKeepsNothingItsAdmissionRefuses() throws IOException {
        Pipe<String> pipe = pipe(4);
        assertThat(pipe.offer("abcd", Placement.tail(), true, Admission.within(4))).isNull();
        assertThat(pipe.offer("e", Placement.tail(), true, Admission.within(4))).isEqualTo(Boolean.FALSE);
        assertThat(pipe.offer("e", Placement.tail(), true, Admission.within(8))).as("a rule of its own: twice the capacity").isNull();
        String refused = pipe.offer("f", Placement.tail(), true, (weight, held, count) -> count >= 2 ? "two are enough" : null);
        assertThat(refused).isEqualTo("two are enough");

        assertThat(pipe.size()).isEqualTo(2);
        assertThat(pipe.held()).isEqualTo(5);
    }

    @Test
    void placementsOvertakeFromTheTail() throws IOException {
        Pipe<String> pipe = pipe(100);
        for (String item : List.of("a", "b", "c", "d")) {
            pipe.offer(item, Placement.tail(), true, Admission.within(100));
        }
        pipe.offer("x", Placement.overtaking(2), true, Admission.within(100));
        pipe.offer("y", Placement.overtaking(10), true, Admission.within(100));
        pipe.offer("z", (queued, passed) -> queued.compareTo("b") > 0, true, Admission.within(100));

        List<String> out = new ArrayList<>();
        while (pipe.size() > 0) {
            out.add(pipe.take(FOREVER));
        }
        assertThat(out).containsExactly("y", "a", "b", "z", "x", "c", "d");
    }

    @Test
    void aReaderMayConsumeTheHeadInPart() throws IOException {
        Pipe<StringBuilder> pipe = new Pipe<>(100, StringBuilder::length, PipeTest::again);
        pipe.offer(new StringBuilder("abcdef"), Placement.tail(), true, Admission.within(100));
        pipe.offer(new StringBuilder("gh"), Placement.tail(), true, Admission.within(100));

        String read = pipe.read(FOREVER, items -> {
            StringBuilder head = items.peek();
            String part = head.substring(0, 4);
            head.delete(0, 4);
            items.consumed(4);
            return part;
        });

        assertThat(read).isEqualTo("abcd");
        assertThat(pipe.held()).isEqualTo(4);
        assertThat(pipe.held(1)).as("less one for each item").isEqualTo(2);
        assertThat(pipe.take(FOREVER)).hasToString("ef");
        assertThat(pipe.held()).isEqualTo(2);
    }

    @Test
    void removingWhatMatchesMakesRoomForAWaitingWriter() throws Exception {
        Pipe<String> pipe = pipe(4);
        pipe.put("ab", Placement.tail(), FOREVER, () -> { });
        pipe.put("cd", Placement.tail(), FOREVER, () -> { });
        CompletableFuture<Void> put = run("writer", () -> pipe.put("ef", Placement.tail(), FOREVER, () -> { }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");

        assertThat(pipe.removeIf(item -> item.startsWith("a"))).isEqualTo(2);

        put.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(pipe.take(FOREVER)).isEqualTo("cd");
        assertThat(pipe.take(FOREVER)).isEqualTo("ef");
    }

    @Test
    void aHeadNotYetDueWaitsUntilItIs() throws Exception {
        Pipe<long[]> pipe = new Pipe<>(100, item -> 1, PipeTest::again);
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        pipe.offer(new long[] {due}, Placement.tail(), true, Admission.within(100));

        assertThat(pipe.pollDue(item -> item[0])).as("taken before it is due").isNull();
        assertThat(pipe.awaitDue(item -> item[0], FOREVER)).isTrue();
        long[] taken = pipe.pollDue(item -> item[0]);

        assertThat(System.nanoTime() - due).as("not handed over before it is due").isGreaterThanOrEqualTo(0);
        assertThat(taken[0]).isEqualTo(due);
        assertThat(pipe.size()).isZero();
    }

    // ---------------------------------------------------------------- the lane ahead

    @Test
    void itemsPlacedAheadComeOutFirstInTheirOwnOrder() throws IOException {
        Pipe<String> pipe = pipe(100);
        pipe.put("d1", Placement.tail(), NOW, () -> { });
        pipe.offer("a1", Placement.ahead(), true, Admission.within(100));
        pipe.put("d2", Placement.tail(), NOW, () -> { });
        pipe.put("a2", Placement.ahead(), NOW, () -> { });
        pipe.offer("x", Placement.overtaking(5), true, Admission.within(100));

        List<String> out = new ArrayList<>();
        while (pipe.size() > 0) {
            out.add(pipe.take(NOW));
        }
        assertThat(out).as("an overtaking item stays behind the lane ahead").containsExactly("a1", "a2", "x", "d1", "d2");
    }

    @Test
    void eachLaneIsBoundedByItsOwnWeightAndAnAdmissionIsToldItsOwnLane() throws Exception {
        Pipe<String> pipe = pipe(4);
        pipe.put("dddd", Placement.tail(), NOW, () -> { });
        pipe.put("aaa", Placement.ahead(), in(0), () -> { });
        assertThatThrownBy(() -> pipe.put("aa", Placement.ahead(), in(0), () -> { })).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> pipe.put("d", Placement.tail(), in(0), () -> { })).isInstanceOf(SocketTimeoutException.class);
        List<String> told = new ArrayList<>();
        pipe.offer("a", Placement.ahead(), true, (weight, held, count) -> {
            told.add(held + "/" + count);
            return null;
        });
        pipe.offer("d", Placement.tail(), true, (weight, held, count) -> {
            told.add(held + "/" + count);
            return "no";
        });

        assertThat(told).containsExactly("3/1", "4/1");
        assertThat(pipe.held()).as("both lanes").isEqualTo(8);
        assertThat(pipe.size()).isEqualTo(3);
    }

    @Test
    void aWriterWaitingForRoomAheadGoesOnWhenTheReaderTakesFromThatLane() throws Exception {
        Pipe<String> pipe = pipe(2);
        pipe.put("aa", Placement.ahead(), NOW, () -> { });
        pipe.put("dd", Placement.tail(), NOW, () -> { });
        CompletableFuture<Void> put = run("writer", () -> pipe.put("b", Placement.ahead(), FOREVER, () -> { }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");

        assertThat(pipe.take(NOW)).isEqualTo("aa");

        put.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(pipe.take(NOW)).isEqualTo("b");
        assertThat(pipe.take(NOW)).isEqualTo("dd");
    }

    @Test
    void aReaderConsumesAndRemovesFromTheLaneAheadAndEndsDropBothLanes() throws IOException {
        Pipe<StringBuilder> pipe = new Pipe<>(100, StringBuilder::length, PipeTest::again);
        pipe.offer(new StringBuilder("data"), Placement.tail(), true, Admission.within(100));
        pipe.offer(new StringBuilder("ahead"), Placement.ahead(), true, Admission.within(100));
        pipe.read(NOW, items -> {
            items.peek().delete(0, 2);
            items.consumed(2);
            return null;
        });
        assertThat(pipe.held()).isEqualTo(7);
        assertThat(pipe.removeIf(item -> item.toString().equals("ead"))).isEqualTo(3);
        pipe.offer(new StringBuilder("again"), Placement.ahead(), true, Admission.within(100));

        assertThat(pipe.cancel(new IOException("gone"))).as("what both lanes held").isEqualTo(9);
        assertThat(pipe.held()).isZero();
        assertThat(pipe.size()).isZero();
    }

    // ---------------------------------------------------------------- holding writers

    @Test
    void heldWritersWaitWhateverTheRoomWhileOffersGoOn() throws Exception {
        Pipe<String> pipe = pipe(100);
        pipe.holdWriters(true);
        CompletableFuture<Void> put = run("writer", () -> pipe.put("d", Placement.tail(), FOREVER, () -> { }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");
        assertThatThrownBy(() -> pipe.put("a", Placement.ahead(), in(0), () -> { })).as("ahead too").isInstanceOf(SocketTimeoutException.class);
        assertThat(pipe.offer("r", Placement.ahead(), true, Admission.within(100))).isNull();
        assertThat(put).isNotDone();

        pipe.holdWriters(false);

        put.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(pipe.take(NOW)).isEqualTo("r");
        assertThat(pipe.take(NOW)).isEqualTo("d");
    }

    @Test
    void anEndLetsAHeldWriterGoWithItsCause() throws Exception {
        Pipe<String> pipe = pipe(100);
        pipe.holdWriters(true);
        CompletableFuture<Void> put = run("writer", () -> pipe.put("d", Placement.tail(), FOREVER, () -> { }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");
        IOException cause = new IOException("dial failed");

        pipe.closeReader(cause);

        assertThat(failure(put)).hasMessage("dial failed").hasCause(cause);
        assertThat(pipe.size()).isZero();
    }

    // ---------------------------------------------------------------- polling, retiring, draining

    @Test
    void pollTakesWhatTheReaderWantsWithoutWaitingAndWakesWaitingWriters() throws Exception {
        Pipe<String> pipe = pipe(4);
        assertThat(pipe.<String>poll(Items::take)).as("empty").isNull();
        pipe.put("abcd", Placement.tail(), NOW, () -> { });
        CompletableFuture<Void> put = run("writer", () -> pipe.put("e", Placement.tail(), FOREVER, () -> { }));
        Await.parkedIn(threads.get(0), Pipe.class, "put");

        assertThat(pipe.<String>poll(Items::take)).isEqualTo("abcd");

        put.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        pipe.fail(new IOException("failed"));
        assertThat(pipe.<String>poll(Items::take)).as("drained after a failure").isEqualTo("e");
        assertThat(pipe.<String>poll(Items::take)).as("a failed pipe, drained").isNull();
    }

    @Test
    void afterFinishWithACauseForWritersTheyGetItWhileTheReaderDrains() throws IOException {
        Pipe<String> pipe = pipe(4);
        IOException closed = new IOException("the transport is closed");
        pipe.put("a", Placement.tail(), NOW, () -> { });
        pipe.finish(closed);
        pipe.finish(new IOException("a later cause"));

        assertThatThrownBy(() -> pipe.put("b", Placement.tail(), NOW, () -> { })).hasMessage("the transport is closed").hasCause(closed);
        assertThatThrownBy(() -> pipe.offer("b", Placement.ahead(), true, Admission.within(4))).hasMessage("the transport is closed");
        assertThat(pipe.drained()).as("an item is left").isFalse();
        assertThat(pipe.take(NOW)).isEqualTo("a");
        assertThat(pipe.drained()).isTrue();
        assertThat(pipe.take(NOW)).isNull();
    }

    @Test
    void drainedOnlyWhenFinishedEmptyAndNotFailedOtherwise() {
        Pipe<String> open = pipe(4);
        assertThat(open.drained()).as("not finished").isFalse();
        open.finish();
        assertThat(open.drained()).isTrue();
        for (String end : List.of("fail", "cancel", "closeReader")) {
            Pipe<String> pipe = pipe(4);
            switch (end) {
                case "fail" -> pipe.fail(new IOException(end));
                case "cancel" -> pipe.cancel(new IOException(end));
                default -> pipe.closeReader(new IOException(end));
            }
            pipe.finish();
            assertThat(pipe.drained()).as(end).isFalse();
        }
    }

    @Test
    void onlyAnEmptyPipeOpenToWritersIsClaimedAndTheClaimIsAskedOnlyThen() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier yes = () -> asked.incrementAndGet() > 0;
        Pipe<String> holding = pipe(4);
        holding.offer("r", Placement.ahead(), true, Admission.within(4));
        assertThat(holding.claimIfEmpty(yes)).as("an item is queued ahead").isFalse();
        Pipe<String> held = pipe(4);
        held.holdWriters(true);
        assertThat(held.claimIfEmpty(yes)).as("writers are held").isFalse();
        Pipe<String> retired = pipe(4);
        retired.retireIfIdle(() -> true);
        assertThat(retired.claimIfEmpty(yes)).as("retired").isFalse();
        for (String end : List.of("finish", "fail", "cancel", "closeReader")) {
            Pipe<String> ended = pipe(4);
            switch (end) {
                case "finish" -> ended.finish();
                case "fail" -> ended.fail(new IOException(end));
                case "cancel" -> ended.cancel(new IOException(end));
                default -> ended.closeReader(new IOException(end));
            }
            assertThat(ended.claimIfEmpty(yes)).as(end).isFalse();
        }
        assertThat(asked).as("asked of none of those").hasValue(0);

        Pipe<String> pipe = pipe(4);
        assertThat(pipe.claimIfEmpty(() -> false)).as("the claim says no").isFalse();
        assertThat(pipe.claimIfEmpty(yes)).isTrue();
        assertThat(asked).hasValue(1);
        assertThat(pipe.put("a", Placement.tail(), NOW, () -> { })).as("a claim takes nothing from the pipe's room").isTrue();
    }

    @Test
    void onlyAnIdlePipeRetiresAndThenItsWritersAreSentElsewhereWhateverEndFollows() throws IOException {
        Pipe<String> holding = pipe(4);
        holding.offer("r", Placement.ahead(), true, Admission.within(4));
        assertThat(holding.retireIfIdle(() -> true)).as("an item is queued").isFalse();
        Pipe<String> held = pipe(4);
        held.holdWriters(true);
        assertThat(held.retireIfIdle(() -> true)).as("writers are held").isFalse();
        Pipe<String> finished = pipe(4);
        finished.finish();
        assertThat(finished.retireIfIdle(() -> true)).as("ended").isFalse();
        Pipe<String> pipe = pipe(4);
        assertThat(pipe.retireIfIdle(() -> false)).as("the caller says it is busy").isFalse();

        assertThat(pipe.retireIfIdle(() -> true)).isTrue();

        assertThat(pipe.retireIfIdle(() -> true)).as("once").isFalse();
        assertThat(pipe.put("a", Placement.tail(), NOW, () -> { })).isFalse();
        assertThatThrownBy(() -> pipe.offer("b", Placement.ahead(), true, Admission.within(4))).isInstanceOf(IOException.class);
        assertThat(pipe.drained()).isTrue();
        assertThat(pipe.take(NOW)).as("the reader sees the end").isNull();
        pipe.closeReader(new IOException("closed later"));
        assertThat(pipe.put("c", Placement.tail(), NOW, () -> { })).isFalse();
        assertThat(pipe.size()).isZero();
    }

    // ---------------------------------------------------------------- deadlines

    @Test
    void aReadOnAnEmptyPipeEndsAtItsDeadlineWithTheDeadlinesException() {
        Pipe<String> pipe = pipe(4);
        long start = System.nanoTime();

        assertThatThrownBy(() -> pipe.take(in(50))).isInstanceOf(SocketTimeoutException.class).hasMessage("timed out after 50 ms");

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void whatIsThereIsTakenEvenPastTheDeadline() throws IOException {
        Pipe<String> pipe = pipe(4);
        pipe.put("a", Placement.tail(), FOREVER, () -> { });

        assertThat(pipe.take(in(0))).isEqualTo("a");
    }

    @Test
    void aDeadlineOfZeroMeansNoneOnlyWhenAskedFor() {
        assertThat(Deadline.inOrNone(0, SocketTimeoutException::new, () -> "").passed()).isFalse();
        assertThat(Deadline.in(0, SocketTimeoutException::new, () -> "").passed()).isTrue();
        assertThat(Deadline.in(Await.LIMIT.toMillis(), SocketTimeoutException::new, () -> "").passed()).isFalse();
    }

    @Test
    void anInterruptedReaderGetsTheDeadlinesWordsAndKeepsItsFlag() throws Exception {
        Pipe<String> pipe = pipe(4);
        CompletableFuture<Boolean> flag = new CompletableFuture<>();
        CompletableFuture<Void> take = run("reader", () -> {
            try {
                pipe.take(Deadline.none(() -> "Read interrupted"));
            } finally {
                flag.complete(Thread.currentThread().isInterrupted());
            }
        });
        Await.parkedIn(threads.get(0), Pipe.class, "read");

        threads.get(0).interrupt();

        assertThat(failure(take)).isInstanceOf(InterruptedIOException.class).hasMessage("Read interrupted");
        assertThat(flag.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    // ---------------------------------------------------------------- ends

    @Test
    void afterFinishTheReaderDrainsThenSeesTheEnd() throws IOException {
        Pipe<String> pipe = pipe(4);
        pipe.put("a", Placement.tail(), FOREVER, () -> { });
        pipe.finish();
        pipe.fail(new IOException("too late"));

        assertThat(pipe.take(FOREVER)).isEqualTo("a");
        assertThat(pipe.take(FOREVER)).isNull();
        assertThat(pipe.take(in(0))).as("the end, not a timeout").isNull();
        assertThatThrownBy(() -> pipe.offer("b", Placement.tail(), true, Admission.within(4))).isInstanceOf(IOException.class);
    }

    @Test
    void afterFailTheReaderDrainsThenGetsAFreshExceptionCausedByTheFailure() throws IOException {
        Pipe<String> pipe = pipe(4);
        IOException cause = new IOException("peer lost");
        pipe.put("a", Placement.tail(), FOREVER, () -> { });
        pipe.fail(cause);
        pipe.finish();

        assertThat(pipe.take(FOREVER)).isEqualTo("a");
        assertThatThrownBy(() -> pipe.take(FOREVER)).isInstanceOf(IOException.class).hasMessage("peer lost").hasCause(cause);
        assertThatThrownBy(() -> pipe.put("b", Placement.tail(), FOREVER, () -> { })).hasMessage("peer lost").hasCause(cause);
    }

    @Test
    void everyItemDroppedUnreadIsToldOnceAndNoItemReadIs() throws IOException {
        List<String> dropped = new ArrayList<>();
        Pipe<String> pipe = new Pipe<>(100, String::length, PipeTest::again, dropped::add);
        for (String item : List.of("first", "kept", "removed", "ahead")) {
            pipe.offer(item, item.equals("ahead") ? Placement.ahead() : Placement.tail(), true, Admission.within(100));
        }
        String next = pipe.read(NOW, items -> {
            items.remove();
            return items.peek();
        });
        assertThat(next).as("the reader took the item ahead").isEqualTo("first");
        pipe.removeIf(item -> item.equals("removed"));
        assertThat(dropped).containsExactly("removed");

        pipe.offer("late", Placement.tail(), true, Admission.within(100));
        pipe.cancel(new IOException("gone"));
        assertThat(dropped).as("all but the item read").containsExactly("removed", "first", "kept", "late");
        pipe.closeReader(new IOException("closed"));
        assertThat(dropped).as("nothing left to drop twice").hasSize(4);

        List<String> droppedOnClose = new ArrayList<>();
        Pipe<String> other = new Pipe<>(100, String::length, PipeTest::again, droppedOnClose::add);
        other.offer("a", Placement.tail(), true, Admission.within(100));
        other.offer("b", Placement.ahead(), true, Admission.within(100));
        other.closeReader(new IOException("closed"));
        assertThat(droppedOnClose).containsExactly("b", "a");
    }

    @Test
    void cancelDropsEverythingAndFailsBothSidesEvenAfterFinish() throws IOException {
        Pipe<String> pipe = pipe(10);
        pipe.put("abc", Placement.tail(), FOREVER, () -> { });
        pipe.finish();

        assertThat(pipe.cancel(new IOException("evicted"))).isEqualTo(3);

        assertThat(pipe.held()).isZero();
        assertThatThrownBy(() -> pipe.take(FOREVER)).hasMessage("evicted");
        assertThatThrownBy(() -> pipe.offer("d", Placement.tail(), true, Admission.within(10))).hasMessage("evicted");
    }

    @Test
    void theReadersCloseIsNeverReplacedByALaterEnd() throws IOException {
        Pipe<String> pipe = pipe(10);
        pipe.put("abc", Placement.tail(), FOREVER, () -> { });

        assertThat(pipe.closeReader(new SocketException("Socket closed"))).isEqualTo(3);
        pipe.cancel(new IOException("evicted"));
        pipe.closeReader(new SocketException("closed again"));

        assertThat(pipe.readerClosed()).isTrue();
        assertThatThrownBy(() -> pipe.take(FOREVER)).isInstanceOf(SocketException.class).hasMessage("Socket closed");
    }

    @Test
    void everyEndWakesABlockedReaderWithItsCause() throws Exception {
        for (String end : List.of("finish", "fail", "cancel", "closeReader")) {
            Pipe<String> pipe = pipe(4);
            IOException cause = new IOException(end);
            CompletableFuture<String> take = new CompletableFuture<>();
            Thread reader = start("reader-" + end, () -> {
                try {
                    take.complete(pipe.take(FOREVER));
                } catch (Throwable e) {
                    take.completeExceptionally(e);
                }
            });
            Await.parkedIn(reader, Pipe.class, "read");

            switch (end) {
                case "finish" -> pipe.finish();
                case "fail" -> pipe.fail(cause);
                case "cancel" -> pipe.cancel(cause);
                default -> pipe.closeReader(cause);
            }

            if (end.equals("finish")) {
                assertThat(take.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isNull();
            } else {
                assertThat(failure(take)).as(end).hasMessage(end).hasCause(cause);
            }
        }
    }

    @Test
    void cancelAndTheReadersCloseWakeABlockedWriterWithTheCause() throws Exception {
        for (String end : List.of("cancel", "closeReader")) {
            Pipe<String> pipe = pipe(1);
            pipe.put("a", Placement.tail(), FOREVER, () -> { });
            IOException cause = new IOException(end);
            CompletableFuture<Void> put = new CompletableFuture<>();
            Thread writer = start("writer-" + end, () -> {
                try {
                    pipe.put("b", Placement.tail(), FOREVER, () -> { });
                    put.complete(null);
                } catch (Throwable e) {
                    put.completeExceptionally(e);
                }
            });
            Await.parkedIn(writer, Pipe.class, "put");

            if (end.equals("cancel")) {
                pipe.cancel(cause);
            } else {
                pipe.closeReader(cause);
            }

            assertThat(failure(put)).as(end).hasMessage(end).hasCause(cause);
            assertThat(pipe.size()).isZero();
        }
    }

    // ---------------------------------------------------------------- helpers

    private interface Body {
        void run() throws Exception;
    }

    private CompletableFuture<Void> run(String name, Body body) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        start(name, () -> {
            try {
                body.run();
                result.complete(null);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, "test-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still waiting after " + Await.LIMIT, e);
        }
        throw new AssertionError("completed without a failure");
    }
}
