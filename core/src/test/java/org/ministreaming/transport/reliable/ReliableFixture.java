package org.ministreaming.transport.reliable;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.ministreaming.TestThreads;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;

/** Endpoints, raw peers and recorders for the reliable layer's tests; all closed after each test. */
abstract class ReliableFixture {

    static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    final MemoryNetwork network = new MemoryNetwork(new Random(7));
    private final List<Transport> transports = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    final void stopEverything() throws InterruptedException {
        for (int i = transports.size() - 1; i >= 0; i--) {
            transports.get(i).close();
        }
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    /** The next event {@code recorder} heard, which must be a frame, decoded (for raw peers that hear frames). */
    static Frame nextFrame(RecordingReceiver recorder) {
        Event event = recorder.next();
        assertThat(Frame.isFrame(ByteBuffer.wrap(event.bytes()))).as("a frame: %s", event.text()).isTrue();
        return Frame.decode(ByteBuffer.wrap(event.bytes()));
    }

    /** A reliable endpoint with timers for a local link, started with {@code receiver}. */
    ReliableTransport reliable(String name, Transport.Receiver receiver) throws IOException {
        return reliable(name, receiver, builder -> builder);
    }

    /** A reliable endpoint with local timers, adjusted by {@code options}, started with {@code receiver}. */
    ReliableTransport reliable(String name, Transport.Receiver receiver, UnaryOperator<ReliableTransportBuilder> options)
            throws IOException {
        return reliable(network.endpoint(name), name, receiver, options);
    }

    /**
     * A reliable endpoint with local timers over {@code inner}, its epochs drawn from a random
     * seeded by {@code name}, adjusted by {@code options}, started with {@code receiver}.
     */
    ReliableTransport reliable(Transport inner, String name, Transport.Receiver receiver, UnaryOperator<ReliableTransportBuilder> options)
            throws IOException {
        ReliableTransport transport = options.apply(ReliableTransport.builder(inner)
                .minRto(Duration.ofMillis(20))
                .initialRto(Duration.ofMillis(50))
                .maxRto(Duration.ofMillis(500))
                .ackDelay(Duration.ofMillis(2))
                .closeLinger(Duration.ZERO)
                .random(new Random(name.hashCode()))).build();
        transports.add(transport);
        transport.start(receiver);
        return transport;
    }

    /** A plain in-memory endpoint, for a peer played by hand. */
    MemoryTransport raw(String name, Transport.Receiver receiver) {
        MemoryTransport transport = network.endpoint(name);
        transports.add(transport);
        transport.start(receiver);
        return transport;
    }

    /** Starts a thread that the fixture stops after the test. */
    Thread start(String name, Runnable body) {
        return TestThreads.start(threads, name, body);
    }

    static ByteBuffer text(String text) {
        return TestThreads.text(text);
    }

    static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, UTF_8);
    }

    static byte[] array(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
