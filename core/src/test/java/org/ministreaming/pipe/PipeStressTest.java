package org.ministreaming.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;

/**
 * {@link Pipe} under many threads at once: writers that wait, writers that never wait, readers
 * that take whole items or parts of them, readers and writers with short deadlines, and ends
 * arriving in the middle. Nothing is lost or duplicated, each writer's items stay in order, the
 * bound holds, every deadline is honoured, and an end wakes every waiter with its cause. Every
 * wait is bounded by {@link Await#LIMIT}.
 */
class PipeStressTest {

    private static final int WRITERS = 4;
    private static final int ITEMS = 5_000;
    private static final long CAPACITY = 200;
    private static final Deadline FOREVER = Deadline.none(() -> "interrupted");

    /** One writer's n-th item, weighing {@code weight}. */
    private record Item(int writer, int n, int weight) {
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(Await.LIMIT.toMillis());
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
    }

    @Test
    void manyWritersAndReadersLoseNothingDuplicateNothingKeepOrderAndTheBound() throws Exception {
        Pipe<Item> pipe = new Pipe<>(CAPACITY, Item::weight, cause -> new IOException(cause.getMessage(), cause));
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicLong mostHeld = new AtomicLong();
        AtomicInteger timeouts = new AtomicInteger();
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            seen.put(writer, new CopyOnWriteArrayList<>());
            start("writer-" + w, () -> {
                SplittableRandom random = new SplittableRandom(writer);
                for (int n = 0; n < ITEMS; n++) {
                    Item item = new Item(writer, n, 1 + random.nextInt((int) CAPACITY / 4));
                    while (true) {
                        try {
                            Deadline deadline = random.nextInt(4) == 0 ? shortDeadline() : FOREVER;
                            pipe.put(item, Placement.tail(), deadline, () -> { });
                            break;
                        } catch (SocketTimeoutException e) {
                            timeouts.incrementAndGet();
                        }
                    }
                    mostHeld.accumulateAndGet(pipe.held(), Math::max);
                }
                writersDone.countDown();
            });
        }
        // One reader takes whole items, so that per writer its order is the writers' order.
        start("reader", () -> {
            while (true) {
                Item item;
                try {
                    item = pipe.take(shortDeadline());
                } catch (SocketTimeoutException e) {
                    timeouts.incrementAndGet();
                    continue;
                }
                if (item == null) {
                    return;
                }
                seen.get(item.writer()).add(item.n());
            }
        });
        start("closer", () -> {
            writersDone.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            pipe.finish();
        });

        joinAll();

        assertThat(failures).isEmpty();
        for (int w = 0; w < WRITERS; w++) {
            List<Integer> expected = new ArrayList<>();
            for (int n = 0; n < ITEMS; n++) {
                expected.add(n);
            }
            assertThat(seen.get(w)).as("writer %d's items, each once and in order", w).isEqualTo(expected);
        }
        assertThat(mostHeld.get()).isLessThanOrEqualTo(CAPACITY);
        assertThat(pipe.held()).isZero();
    }

    @Test
    void readersSharingThePipeTakeEachPartExactlyOnce() throws Exception {
        Pipe<byte[][]> pipe = new Pipe<>(CAPACITY, chunk -> chunk[0].length - chunk[1][0], cause -> cause);
        int total = WRITERS * ITEMS;
        AtomicLong sum = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            start("writer-" + w, () -> {
                SplittableRandom random = new SplittableRandom(writer);
                for (int n = 0; n < ITEMS; n++) {
                    byte[] data = new byte[1 + random.nextInt(20)];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (byte) random.nextInt(100);
                    }
                    pipe.put(new byte[][] {data, {0}}, Placement.tail(), FOREVER, () -> { });
                }
                writersDone.countDown();
            });
        }
        List<Long> expectedSums = new CopyOnWriteArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            SplittableRandom random = new SplittableRandom(w);
            long s = 0;
            long b = 0;
            for (int n = 0; n < ITEMS; n++) {
                int length = 1 + random.nextInt(20);
                b += length;
                for (int i = 0; i < length; i++) {
                    s += random.nextInt(100);
                }
            }
            expectedSums.add(s);
            bytes.addAndGet(-b);
        }
        for (int r = 0; r < 3; r++) {
            int reader = r;
            start("reader-" + r, () -> {
                SplittableRandom random = new SplittableRandom(100 + reader);
                while (true) {
                    int want = 1 + random.nextInt(30);
                    Boolean more = pipe.read(FOREVER, items -> {
                        int got = 0;
                        byte[][] head;
                        while (got < want && (head = items.peek()) != null) {
                            int offset = head[1][0];
                            int n = Math.min(want - got, head[0].length - offset);
                            for (int i = offset; i < offset + n; i++) {
                                sum.addAndGet(head[0][i]);
                            }
                            head[1][0] += n;
                            items.consumed(n);
                            bytes.addAndGet(n);
                            got += n;
                            if (head[1][0] == head[0].length) {
                                items.remove();
                            }
                        }
                        return Boolean.TRUE;
                    });
                    if (more == null) {
                        return;
                    }
                }
            });
        }
        start("closer", () -> {
            writersDone.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            pipe.finish();
        });

        joinAll();

        assertThat(failures).isEmpty();
        assertThat(total).isPositive();
        assertThat(bytes.get()).as("every byte read once").isZero();
        assertThat(sum.get()).isEqualTo(expectedSums.stream().mapToLong(Long::longValue).sum());
        assertThat(pipe.held()).isZero();
    }

    @Test
    void deadlinesAreHonouredByManyWaitersAtOnce() throws Exception {
        Pipe<Item> full = new Pipe<>(1, Item::weight, cause -> cause);
        full.put(new Item(0, 0, 1), Placement.tail(), FOREVER, () -> { });
        Pipe<Item> empty = new Pipe<>(1, Item::weight, cause -> cause);
        AtomicInteger timedOut = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            long millis = 20 + 10 * t;
            boolean writer = t % 2 == 0;
            start((writer ? "writer-" : "reader-") + t, () -> {
                Deadline deadline = Deadline.in(millis, () -> new SocketTimeoutException(millis + " ms"), () -> "interrupted");
                long start = System.nanoTime();
                try {
                    if (writer) {
                        full.put(new Item(1, t(millis), 1), Placement.tail(), deadline, () -> { });
                    } else {
                        empty.take(deadline);
                    }
                    throw new AssertionError("no timeout");
                } catch (SocketTimeoutException e) {
                    assertThat(e).hasMessage(millis + " ms");
                    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(millis));
                    timedOut.incrementAndGet();
                }
            });
        }

        joinAll();

        assertThat(failures).isEmpty();
        assertThat(timedOut.get()).isEqualTo(8);
        assertThat(full.size()).isEqualTo(1);
    }

    @Test
    void anEndInTheMiddleWakesEveryWaiterWithItsCause() throws Exception {
        for (int round = 0; round < 20; round++) {
            Pipe<Item> pipe = new Pipe<>(10, Item::weight, cause -> new IOException(cause.getMessage(), cause));
            IOException cause = new IOException("cancelled in round " + round);
            List<Throwable> ends = new CopyOnWriteArrayList<>();
            AtomicInteger taken = new AtomicInteger();
            AtomicInteger put = new AtomicInteger();
            for (int t = 0; t < 6; t++) {
                boolean writer = t < 4;
                start("round-" + round + "-" + t, () -> {
                    try {
                        while (true) {
                            if (writer) {
                                pipe.put(new Item(0, 0, 3), Placement.tail(), FOREVER, () -> { });
                                put.incrementAndGet();
                            } else if (pipe.take(FOREVER) != null) {
                                taken.incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        ends.add(e);
                    }
                });
            }
            Await.until("items flow", () -> taken.get() > 100);

            pipe.cancel(cause);
            joinAll();

            assertThat(failures).isEmpty();
            assertThat(ends).hasSize(6).allSatisfy(e -> assertThat(e).hasMessage(cause.getMessage()).hasCause(cause));
            assertThat(pipe.held()).isZero();
            assertThat(taken.get()).isLessThanOrEqualTo(put.get());
        }
    }

    @Test
    void heldWritersAndALaneAheadUnderManyThreadsLoseNothingKeepOrderAndTheLaneAheadFirst() throws Exception {
        Pipe<Item> pipe = new Pipe<>(CAPACITY, Item::weight, cause -> new IOException(cause.getMessage(), cause));
        pipe.holdWriters(true);
        int repliers = 2;
        Map<Integer, List<Integer>> sent = new ConcurrentHashMap<>();
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger aheadAfterMain = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(WRITERS + repliers);
        for (int w = 0; w < WRITERS + repliers; w++) {
            sent.put(w, new CopyOnWriteArrayList<>());
            seen.put(w, new CopyOnWriteArrayList<>());
        }
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            start("writer-" + w, () -> {
                SplittableRandom random = new SplittableRandom(writer);
                for (int n = 0; n < ITEMS; n++) {
                    assertThat(pipe.put(new Item(writer, n, 1 + random.nextInt((int) CAPACITY / 4)), Placement.tail(), FOREVER, () -> { })).isTrue();
                    sent.get(writer).add(n);
                }
                done.countDown();
            });
        }
        for (int w = 0; w < WRITERS; w++) {
            Await.parkedIn(threads.get(w), Pipe.class, "put");
        }
        assertThat(pipe.size()).as("no held writer got in").isZero();
        for (int r = 0; r < repliers; r++) {
            int replier = WRITERS + r;
            start("replier-" + r, () -> {
                SplittableRandom random = new SplittableRandom(replier);
                for (int n = 0; n < ITEMS; n++) {
                    if (pipe.offer(new Item(replier, n, 1 + random.nextInt((int) CAPACITY / 4)), Placement.ahead(), true, Admission.within(CAPACITY)) == null) {
                        sent.get(replier).add(n);
                    } else {
                        Thread.yield();
                    }
                }
                done.countDown();
            });
        }
        start("reader", () -> {
            SplittableRandom random = new SplittableRandom(99);
            while (true) {
                int want = 1 + random.nextInt(8);
                Boolean more = pipe.read(FOREVER, items -> {
                    boolean mainSeen = false;
                    for (int i = 0; i < want && items.peek() != null; i++) {
                        Item item = items.take();
                        boolean ahead = item.writer() >= WRITERS;
                        if (ahead && mainSeen) {
                            aheadAfterMain.incrementAndGet();
                        }
                        mainSeen |= !ahead;
                        seen.get(item.writer()).add(item.n());
                    }
                    return Boolean.TRUE;
                });
                if (more == null) {
                    return;
                }
            }
        });
        pipe.holdWriters(false);
        start("closer", () -> {
            done.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            pipe.finish();
        });

        joinAll();

        assertThat(failures).isEmpty();
        assertThat(aheadAfterMain.get()).as("items ahead taken after a main item in one read").isZero();
        for (int w = 0; w < WRITERS + repliers; w++) {
            assertThat(seen.get(w)).as("what %d put or offered, each once and in order", w).isEqualTo(sent.get(w));
        }
        assertThat(sent.get(WRITERS)).as("a replier got in").isNotEmpty();
        assertThat(pipe.held()).isZero();
    }

    @Test
    void retiringRacesAWriterAndExactlyOneOfThemWins() throws Exception {
        int rounds = 2_000;
        CyclicBarrier start = new CyclicBarrier(2);
        CyclicBarrier end = new CyclicBarrier(2);
        AtomicReference<Pipe<Item>> current = new AtomicReference<>();
        boolean[] put = new boolean[rounds];
        start("writer", () -> {
            for (int round = 0; round < rounds; round++) {
                start.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                put[round] = current.get().put(new Item(0, round, 1), Placement.tail(), FOREVER, () -> { });
                end.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        for (int round = 0; round < rounds; round++) {
            Pipe<Item> pipe = new Pipe<>(CAPACITY, Item::weight, cause -> cause);
            current.set(pipe);
            start.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            boolean retired = pipe.retireIfIdle(() -> true);
            end.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(retired).as("round %d: retired, or the writer's item went in", round).isNotEqualTo(put[round]);
            assertThat(pipe.size()).isEqualTo(retired ? 0 : 1);
        }
        joinAll();
        assertThat(failures).isEmpty();
    }

    private static Deadline shortDeadline() {
        return Deadline.in(1, () -> new SocketTimeoutException("short"), () -> "interrupted");
    }

    private static int t(long millis) {
        return (int) millis;
    }

    private interface Body {
        void run() throws Exception;
    }

    private void start(String name, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "test-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void joinAll() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(Await.LIMIT.toMillis());
            assertThat(thread.isAlive()).as("%s ended within %s", thread.getName(), Await.LIMIT).isFalse();
        }
        threads.clear();
    }
}
