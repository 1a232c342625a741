package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Over the in-memory transport, {@code writeNow} does not wait for room in a full inbox either:
 * it sends what the peer's inbox takes now, and {@code onWritable} fires once the inbox has room
 * again (the transport's {@code offerLent} and {@code whenRoom}).
 */
class WriteNowOverAFullInboxTest {

    private static final int CHUNK = 32 * 1024;
    /** Far beyond the inbox's bound; reaching it means the writer never found the inbox full. */
    private static final long GIVE_UP_BYTES = 8 * MemoryNetwork.DEFAULT_INBOX_BYTES;

    private final MemoryNetwork network = new MemoryNetwork();
    private final CountDownLatch deliveriesReleased = new CountDownLatch(1);
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    private StreamManager alice;
    private StreamManager bob;

    @AfterEach
    void stop() throws InterruptedException {
        deliveriesReleased.countDown();
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
        callbacks.shutdownNow();
        assertThat(callbacks.awaitTermination(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWriterThatMeetsAFullInboxGetsZeroAndIsWokenWhenItEmpties() throws Exception {
        Held held = new Held(network.endpoint("bob"), deliveriesReleased);
        bob = StreamManager.open(held, StreamOptions.builder().build());
        alice = StreamManager.open(network.endpoint("alice"), StreamOptions.builder().flowControl(false).build());
        StreamServerSocket server = bob.serverSocket();
        Async.Running<StreamSocket> accepting = Async.run(() -> server.accept(Await.LIMIT));
        StreamSocket writer = alice.connect(bob.localDestination());
        StreamSocket reader = accepting.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        network.setFaults(LinkFaults.NONE.withDelay(Duration.ofMillis(1))); // every message by bob's delivery thread
        held.holding = true;

        Async.Running<Long> writing = Async.run(() -> {
            byte[] chunk = new byte[CHUNK];
            long sent = 0;
            for (int n = CHUNK; n > 0 && sent < GIVE_UP_BYTES; sent += n) {
                n = writer.writeNow(chunk, 0, CHUNK);
            }
            return sent;
        });
        long sent = writing.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(sent).as("the writer stopped at the full inbox without waiting").isLessThan(GIVE_UP_BYTES);
        CountDownLatch writable = new CountDownLatch(1);
        writer.onWritable(callbacks, writable::countDown);
        assertThat(writable.getCount()).as("no room yet").isEqualTo(1);

        held.holding = false;
        deliveriesReleased.countDown();

        assertThat(writable.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("woken once the inbox emptied").isTrue();
        InputStream in = reader.getInputStream();
        assertThat(in.readNBytes((int) sent)).hasSize((int) sent);
    }

    /** Bob's transport: while {@code holding}, its receiver's first message on the delivery thread waits for the latch. */
    private static final class Held extends ForwardingTransport {
        volatile boolean holding;
        private final CountDownLatch released;

        Held(Transport inner, CountDownLatch released) {
            super(inner);
            this.released = released;
        }

        @Override
        public void start(Receiver receiver) throws IOException {
            super.start(new Receiver() {
                @Override
                public void onMessage(Destination from, ByteBuffer message) {
                    if (holding) {
                        try {
                            released.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    receiver.onMessage(from, message);
                }

                @Override
                public void onPeerLost(Destination peer, IOException cause) {
                    receiver.onPeerLost(peer, cause);
                }
            });
        }
    }
}
