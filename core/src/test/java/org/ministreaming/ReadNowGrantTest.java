package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.MessageType;

/**
 * {@code readNow} never waits, not even to give back credit: a grant the transport's reply path
 * does not take is offered behind the data and again on room, where {@code read}'s grant waits
 * for a send (engine's {@code SendPath.sendGrant}).
 */
class ReadNowGrantTest {

    private static final int WINDOW = 4096;

    private final MemoryNetwork network = new MemoryNetwork();
    private final CountDownLatch sendsReleased = new CountDownLatch(1);
    private StreamManager alice;
    private StreamManager bob;

    @AfterEach
    void stop() {
        sendsReleased.countDown();
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void aGrantTheReplyPathRefusesIsOfferedAndTheReaderGoesOnWithoutWaiting() throws Exception {
        StreamOptions options = StreamOptions.builder().receiveBufferSize(WINDOW).maxReceiveWindow(WINDOW)
                .writeTimeout(Await.LIMIT).build();
        GrantsRefused refusing = new GrantsRefused(network.endpoint("alice"), sendsReleased);
        alice = StreamManager.open(refusing, options);
        bob = StreamManager.open(network.endpoint("bob"), options);
        StreamServerSocket server = bob.serverSocket();
        Async.Running<StreamSocket> accepting = Async.run(() -> server.accept(Await.LIMIT));
        StreamSocket reader = alice.connect(bob.localDestination());
        StreamSocket writer = accepting.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);

        writer.getOutputStream().write(new byte[WINDOW]);
        Await.until("the window's bytes arrived", () -> buffered(reader) == WINDOW);
        Async.Running<Integer> readNow = Async.run(() -> reader.readNow(new byte[WINDOW], 0, WINDOW));

        assertThat(readNow.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("read at once, the grant not awaited").isEqualTo(WINDOW);
        assertThat(refusing.repliesRefused.get()).as("the reply path was tried first").isPositive();
        assertThat(refusing.sendsTried.get()).as("no grant went by a send that waits").isZero();
        assertThat(refusing.offered.get()).as("the grant was offered instead").isPositive();
        Async.Running<Void> more = Async.run(() -> {
            writer.getOutputStream().write(new byte[WINDOW]);
            return null;
        });
        more.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        Await.until("the next window's bytes arrived", () -> buffered(reader) == WINDOW);
    }

    private static int buffered(StreamSocket socket) {
        try {
            return socket.getInputStream().available();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Alice's transport: its reply path refuses every credit grant, and a send of one waits until
     * the test ends; an offer is taken as the in-memory transport takes it.
     */
    private static final class GrantsRefused extends ForwardingTransport {
        final AtomicInteger repliesRefused = new AtomicInteger();
        final AtomicInteger sendsTried = new AtomicInteger();
        final AtomicInteger offered = new AtomicInteger();
        private final CountDownLatch sendsReleased;

        GrantsRefused(Transport inner, CountDownLatch sendsReleased) {
            super(inner);
            this.sendsReleased = sendsReleased;
        }

        private static boolean isGrant(ByteBuffer message) {
            return (message.get(message.position()) & 0xFF) == MessageType.CLIENT_CREDIT.code();
        }

        @Override
        public boolean reply(Destination to, ByteBuffer message) {
            if (isGrant(message)) {
                repliesRefused.incrementAndGet();
                return false;
            }
            return super.reply(to, message);
        }

        @Override
        public void send(Destination to, ByteBuffer message) throws IOException {
            if (isGrant(message)) {
                sendsTried.incrementAndGet();
                try {
                    sendsReleased.await(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
            super.send(to, message);
        }

        @Override
        public boolean offerLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
            if (isGrant(message)) {
                offered.incrementAndGet();
            }
            inner.send(to, message);
            sent.run();
            return true;
        }
    }
}
