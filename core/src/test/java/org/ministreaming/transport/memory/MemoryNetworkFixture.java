package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.ministreaming.TestThreads;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Transport;

/** {@link MemoryNetwork}, {@link MemoryTransport}, {@link Inbox} and {@link LinkFaults}. */
/** Endpoints, threads and recorders for the in-memory network's tests, all stopped after each test. */
abstract class MemoryNetworkFixture {

    static final long WAIT_SECONDS = Await.LIMIT.toSeconds();
    static final int CHUNK = 64 * 1024;

    final MemoryNetwork network = new MemoryNetwork(new Random(42));
    final List<MemoryTransport> endpoints = new ArrayList<>();
    final List<CountDownLatch> gates = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    @AfterEach
    final void stopEverything() throws InterruptedException {
        gates.forEach(CountDownLatch::countDown);
        endpoints.forEach(MemoryTransport::close);
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        ThreadLeaks.assertNoneLeft("ministreaming-memory-");
    }


    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    MemoryTransport endpoint(String name) {
        MemoryTransport endpoint = network.endpoint(name);
        endpoints.add(endpoint);
        return endpoint;
    }

    MemoryTransport started(String name, Transport.Receiver receiver) {
        MemoryTransport endpoint = endpoint(name);
        endpoint.start(receiver);
        return endpoint;
    }

    CountDownLatch gate() {
        CountDownLatch gate = new CountDownLatch(1);
        gates.add(gate);
        return gate;
    }

    /** Starts a thread that the fixture stops after the test. */
    Thread start(String name, Runnable body) {
        return TestThreads.start(threads, name, body);
    }

    static ByteBuffer text(String text) {
        return TestThreads.text(text);
    }

    /** Queues exactly {@link MemoryNetwork#DEFAULT_INBOX_BYTES} at {@code to}, which must not be started. */
    static void fillInbox(MemoryTransport from, MemoryTransport to) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).asReadOnlyBuffer();
        int chunks = (int) (MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK);
        for (int i = 0; i < chunks; i++) {
            from.send(to.localDestination(), chunk);
        }
        assertThat(to.inbox().size()).isEqualTo(chunks);
    }

    /** Whether {@code thread} waits for room inside {@link Inbox#put}, as opposed to running or waiting for the lock. */
    static boolean isWaitingForRoom(Thread thread) {
        return Await.isParkedIn(thread, Inbox.class, "put");
    }

    static Thread liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name) && thread.isAlive())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no live thread " + name));
    }
}
