package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.Counter;
import org.ministreaming.Limits;
import org.ministreaming.MessageListener;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Self-tuning windows between two real engines on the in-memory network, with a link delay so
 * that the round trip (10 ms) dwarfs the machine's jitter: a fast reader's window grows, a slow
 * reader's and an idle connection's do not, and many connections together stay within half the
 * receive budget and give their growth back when they end.
 */
@Timeout(120)
class ReceiveWindowsTest {

    private static final Duration WAIT = Await.LIMIT;
    private static final int FIRST = 64 * 1024;

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<Engine> engines = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        engines.forEach(Engine::close);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    private Engine engine(String name, int maxWindow, long receiveBudget) throws IOException {
        EngineSettings settings = new EngineSettings(Duration.ofSeconds(30), 64, FIRST, maxWindow, Integer.MAX_VALUE, receiveBudget,
                new Random(engines.size()), true, Duration.ZERO, EngineSettings.DEFAULT_PEER_GRACE, Limits.DEFAULT);
        Engine engine = Engine.start(network.endpoint(name), settings, MessageListener.NONE);
        engines.add(engine);
        return engine;
    }

    private record Pair(ClientConnection writer, ServerConnection reader) {
    }

    private Pair open(Engine client, Engine server) throws Exception {
        Future<ClientConnection> connected = threads.submit(() -> client.connect(server.localDestination(), WAIT));
        ServerConnection accepted = server.acceptor().accept(WAIT.toMillis());
        return new Pair(connected.get(WAIT.toSeconds(), TimeUnit.SECONDS), accepted);
    }

    /** Writes {@code bytes} on a thread of its own, without closing. */
    private Future<?> send(Connection writer, long bytes) {
        return threads.submit(() -> {
            byte[] chunk = new byte[64 * 1024];
            for (long left = bytes; left > 0; left -= chunk.length) {
                writer.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            return null;
        });
    }

    /** Reads exactly {@code bytes}, {@code chunk} at a time, pausing {@code pauseNanos} after each read. */
    private static void receive(Connection reader, long bytes, int chunk, long pauseNanos) throws IOException {
        byte[] buffer = new byte[chunk];
        for (long left = bytes; left > 0; ) {
            int n = reader.read(buffer, 0, (int) Math.min(chunk, left));
            assertThat(n).isPositive();
            left -= n;
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
    }

    @Test
    void aFastReadersWindowGrowsWhileAnIdleConnectionKeepsItsFirstWindow() throws Exception {
        network.setFaults(LinkFaults.NONE.withDelay(Duration.ofMillis(5)));
        Engine writer = engine("writer", 64 * FIRST, Long.MAX_VALUE);
        Engine reader = engine("reader", 16 * FIRST, Long.MAX_VALUE);
        Pair fast = open(writer, reader);
        Pair idle = open(writer, reader);
        long bytes = 32L << 20;

        Future<?> written = send(fast.writer(), bytes);
        receive(fast.reader(), bytes, 64 * 1024, 0);
        written.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ReceiveWindows windows = reader.windows();
        assertThat(windows.growth(fast.reader())).as("the fast reader's window grew").isPositive()
                .isLessThanOrEqualTo(15L * FIRST);
        assertThat(windows.growth(idle.reader())).as("the idle connection's window").isZero();
        assertThat(fast.reader().receiveHighWater()).isLessThanOrEqualTo(16 * FIRST);
        assertThat(reader.count(Counter.CREDIT_VIOLATION) + writer.count(Counter.CREDIT_VIOLATION)).isZero();

        fast.reader().close();
        assertThat(windows.growthHeld()).as("given back when the connection ended").isZero();
    }

    @Test
    void aSlowReaderKeepsItsFirstWindow() throws Exception {
        network.setFaults(LinkFaults.NONE.withDelay(Duration.ofMillis(5)));
        Engine writer = engine("writer", 64 * FIRST, Long.MAX_VALUE);
        Engine reader = engine("reader", 16 * FIRST, Long.MAX_VALUE);
        Pair slow = open(writer, reader);
        long bytes = 2L << 20;

        Future<?> written = send(slow.writer(), bytes);
        receive(slow.reader(), bytes, 4 * 1024, TimeUnit.MILLISECONDS.toNanos(2)); // about 2 MB/s, far below what the link carries
        written.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reader.windows().growth(slow.reader())).isZero();
        assertThat(slow.reader().receiveHighWater()).isLessThanOrEqualTo(FIRST);
    }

    @Test
    void manyFastConnectionsTogetherStayWithinHalfTheReceiveBudget() throws Exception {
        network.setFaults(LinkFaults.NONE.withDelay(Duration.ofMillis(5)));
        long budget = 2L << 20;
        Engine writer = engine("writer", 64 * FIRST, Long.MAX_VALUE);
        Engine reader = engine("reader", 8 * FIRST, budget);
        ReceiveWindows windows = reader.windows();
        int connections = 8;
        long bytes = 4L << 20;
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            pairs.add(open(writer, reader));
        }
        AtomicLong mostGrowth = new AtomicLong();
        List<Future<?>> transfers = new ArrayList<>();
        for (Pair pair : pairs) {
            transfers.add(send(pair.writer(), bytes));
            transfers.add(threads.submit(() -> {
                receive(pair.reader(), bytes, 64 * 1024, 0);
                return null;
            }));
        }
        while (!transfers.stream().allMatch(Future::isDone)) {
            mostGrowth.accumulateAndGet(windows.growthHeld(), Math::max);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // sampling, not waiting for an event
        }
        for (Future<?> transfer : transfers) {
            transfer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        long grown = 0;
        for (Pair pair : pairs) {
            grown += windows.growth(pair.reader());
        }
        assertThat(grown).as("the connections' growth, all of it accounted").isEqualTo(windows.growthHeld()).isPositive();
        assertThat(Math.max(grown, mostGrowth.get())).isLessThanOrEqualTo(budget / 2);
        assertThat(reader.count(Counter.RECEIVE_BUDGET_EXHAUSTED)).as("growth never made the budget evict").isZero();

        pairs.forEach(pair -> pair.reader().close());
        assertThat(windows.growthHeld()).isZero();
    }
}
