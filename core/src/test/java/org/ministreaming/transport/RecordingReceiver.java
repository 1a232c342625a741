package org.ministreaming.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ministreaming.testing.Await;

/**
 * A {@link Transport.Receiver} that records everything it hears, in order, for the transports'
 * tests to take one event at a time with a bounded wait ({@link Await#LIMIT}). It lives in core's
 * test-jar, not in the shared test-fixtures module, because it needs core's types. Thread-safe.
 */
public class RecordingReceiver implements Transport.Receiver {

    /** Everything heard and not yet taken, oldest first. */
    public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CountDownLatch gate;

    /** A recorder that records each message as it arrives. */
    public RecordingReceiver() {
        this(new CountDownLatch(0));
    }

    /**
     * A recorder whose {@link #onMessage} first waits for {@code gate} (at most {@link Await#LIMIT}),
     * so that a test can hold a transport's delivery thread inside its receiver.
     */
    public RecordingReceiver(CountDownLatch gate) {
        this.gate = gate;
    }

    /**
     * What a receiver heard: a message ({@code bytes}) or a lost peer ({@code lost}), with the
     * delivering thread's name and {@link System#nanoTime()} when it was heard.
     */
    public record Event(Destination from, byte[] bytes, IOException lost, String thread, long atNanos) {

        /** The message as UTF-8 text; fails if this is a loss. */
        public String text() {
            assertThat(bytes).as("a message, not onPeerLost(%s, %s)", from, lost).isNotNull();
            return new String(bytes, UTF_8);
        }

        /** Whether this is {@code onPeerLost}. */
        public boolean isLoss() {
            return lost != null;
        }

        /** The cause of the loss; fails if this is a message. */
        public IOException loss() {
            assertThat(lost).as("onPeerLost, not the message %s", bytes == null ? null : new String(bytes, UTF_8)).isNotNull();
            return lost;
        }
    }

    /**
     * Records a copy of the message. The SPI hands over read-only buffers: a writable one fails
     * an assertion on the transport's thread and is not recorded, so the test waiting for it fails.
     */
    @Override
    public void onMessage(Destination from, ByteBuffer message) {
        try {
            gate.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(message.isReadOnly()).as("the SPI hands over read-only buffers").isTrue();
        events.add(new Event(from, bytes(message), null, Thread.currentThread().getName(), System.nanoTime()));
    }

    /** A copy of the bytes from the buffer's position to its limit; the buffer is not moved. */
    public static byte[] bytes(ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public void onPeerLost(Destination peer, IOException cause) {
        events.add(new Event(peer, null, cause, Thread.currentThread().getName(), System.nanoTime()));
    }

    /** The next event, waiting at most {@link Await#LIMIT}; fails the test if none came. */
    public Event next() {
        try {
            Event event = events.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
            if (event == null) {
                fail("nothing arrived within " + Await.LIMIT.toSeconds() + " s");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message, which must come from {@code from}, as text. */
    public String nextText(Destination from) {
        Event event = next();
        assertThat(event.from()).isEqualTo(from);
        return event.text();
    }

    /** The next event, which must be the loss of {@code peer}. */
    public Event nextLoss(Destination peer) {
        Event event = next();
        assertThat(event.isLoss()).as("onPeerLost, not a message: %s", event).isTrue();
        assertThat(event.from()).isEqualTo(peer);
        return event;
    }

    /** Fails if anything was heard and not taken. */
    public void assertQuiet() {
        assertThat(events).isEmpty();
    }
}
