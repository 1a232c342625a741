package org.ministreaming.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.ministreaming.TestThreads;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/** {@link MemoryNetwork}, {@link MemoryTransport}, {@link Inbox} and {@link LinkFaults}. */
/** Endpoints, threads and recorders for the in-memory network's tests, all stopped after each test. */
abstract class MemoryNetworkFixture {

    static final long WAIT_SECONDS = 5;
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
        assertThat(liveThreadNames()).as("delivery threads left").noneMatch(name -> name.startsWith("ministreaming-memory-"));
    }


    /** What a receiver heard: a message ({@code bytes}) or a lost peer ({@code lost}). */
    record Event(Destination from, byte[] bytes, IOException lost, long atNanos, String thread) {
        String text() {
            assertThat(bytes).as("a message, not onPeerLost(%s)", lost).isNotNull();
            return new String(bytes, UTF_8);
        }
    }

    /** Records everything it hears; waits for its gate, if any, before recording each message. */
    static class Recorder implements Transport.Receiver {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final CountDownLatch gate;

        Recorder() {
            this(new CountDownLatch(0));
        }

        Recorder(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void onMessage(Destination from, byte[] message) {
            awaitQuietly(gate);
            events.add(new Event(from, message, null, System.nanoTime(), Thread.currentThread().getName()));
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
            events.add(new Event(peer, null, cause, System.nanoTime(), Thread.currentThread().getName()));
        }

        Event next() {
            try {
                Event event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (event == null) {
                    fail("nothing arrived within " + WAIT_SECONDS + " s");
                }
                return event;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
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
        if (thread.getState() != Thread.State.WAITING) {
            return false;
        }
        List<StackTraceElement> stack = Arrays.asList(thread.getStackTrace());
        return inMethod(thread, Inbox.class, "put")
                && stack.stream().anyMatch(f -> f.getClassName().endsWith("ConditionObject") && f.getMethodName().startsWith("await"));
    }

    static boolean inMethod(Thread thread, Class<?> type, String method) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(type.getName()) && f.getMethodName().equals(method));
    }

    static java.util.Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    static Thread liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name) && thread.isAlive())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no live thread " + name));
    }
}
