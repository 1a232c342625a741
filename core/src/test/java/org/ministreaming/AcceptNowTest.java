package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.MessageType;

/**
 * Accepting without waiting: {@link StreamServerSocket#acceptNow} and the one-shot
 * {@link StreamServerSocket#onAcceptable}, and the way the ACK goes (at once if the transport can,
 * else by its reply path; only {@code accept()} falls back to a send that may wait).
 */
@Timeout(120)
class AcceptNowTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<StreamManager> managers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        managers.forEach(StreamManager::close);
        pool.shutdownNow();
        assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private StreamManager manager(Transport transport) throws IOException {
        StreamManager manager = StreamManager.open(transport, StreamOptions.builder().connectTimeout(Await.LIMIT).build());
        managers.add(manager);
        return manager;
    }

    @Test
    void acceptNowReturnsNullUntilAConnectionWaitsAndThenAcknowledgesIt() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"));
        StreamManager bob = manager(network.endpoint("bob"));
        StreamServerSocket server = bob.serverSocket();
        assertThat(server.acceptNow()).as("nothing is waiting").isNull();
        CountDownLatch acceptable = new CountDownLatch(1);
        server.onAcceptable(pool, acceptable::countDown);
        assertThat(acceptable.getCount()).as("not fired before a connection came").isEqualTo(1);

        Async.Running<StreamSocket> connecting = Async.run(() -> alice.connect(bob.localDestination()));

        assertThat(acceptable.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(connecting).as("the connection waits for its ACK").isNotDone();
        StreamSocket accepted = server.acceptNow();
        assertThat(accepted).isNotNull();
        assertThat(server.acceptNow()).as("one connection, taken once").isNull();
        StreamSocket client = connecting.get(WAIT_SECONDS, TimeUnit.SECONDS);
        client.getOutputStream().write(7);
        assertThat(accepted.getInputStream().read()).isEqualTo(7);
    }

    @Test
    void onAcceptableRunsAtOnceWhileAConnectionWaitsAndMayBeRegisteredOnlyOnce() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"));
        StreamManager bob = manager(network.endpoint("bob"));
        StreamServerSocket server = bob.serverSocket();
        CountDownLatch first = new CountDownLatch(1);
        server.onAcceptable(pool, first::countDown);
        assertThatThrownBy(() -> server.onAcceptable(pool, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("registered already");
        Async.Running<StreamSocket> connecting = Async.run(() -> alice.connect(bob.localDestination()));
        assertThat(first.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        AtomicReference<Thread> ranOn = new AtomicReference<>();
        server.onAcceptable(Runnable::run, () -> ranOn.set(Thread.currentThread()));

        assertThat(ranOn.get()).as("run at once, on the registering thread's executor").isSameAs(Thread.currentThread());
        assertThat(server.acceptNow()).isNotNull();
        assertThat(connecting.get(WAIT_SECONDS, TimeUnit.SECONDS).isClosed()).isFalse();
    }

    @Test
    void closingTheServerSocketOrTheManagerRunsTheCallbackAndAcceptNowThenSaysWhy() throws Exception {
        StreamManager bob = manager(network.endpoint("bob"));
        StreamServerSocket server = bob.serverSocket();
        CountDownLatch closed = new CountDownLatch(1);
        server.onAcceptable(pool, closed::countDown);

        server.close();

        assertThat(closed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(server::acceptNow).isInstanceOf(SocketException.class).hasMessage("Socket closed");
        StreamServerSocket again = bob.serverSocket();
        CountDownLatch managerClosed = new CountDownLatch(1);
        again.onAcceptable(pool, managerClosed::countDown);
        bob.close();
        assertThat(managerClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(again::acceptNow).isInstanceOf(SocketException.class).hasMessage("the manager was closed");
    }

    @Test
    void theAckGoesAtOnceWhenTheTransportCanElseByItsReplyPathAndOnlyAcceptFallsBackToASend() throws Exception {
        AckWatch bobTransport = new AckWatch(network.endpoint("bob"));
        StreamManager alice = manager(network.endpoint("alice"));
        StreamManager bob = manager(bobTransport);
        StreamServerSocket server = bob.serverSocket();

        assertThat(acceptOne(alice, bob, bobTransport, server, true)).as("the way the ACK went").isEqualTo("sendNow");
        bobTransport.refuseSendNow = true;
        assertThat(acceptOne(alice, bob, bobTransport, server, true)).isEqualTo("reply");
        assertThat(acceptOne(alice, bob, bobTransport, server, false)).isEqualTo("reply");
        bobTransport.refuseReply = true;
        assertThat(acceptOne(alice, bob, bobTransport, server, true)).as("accept() may wait for a send").isEqualTo("send");
        assertThat(bobTransport.ways).containsExactly("sendNow", "reply", "reply", "send");
    }

    @Test
    void anAckTheTransportTakesNeitherWayFailsThatConnectionAndTheNextCallTakesTheNext() throws Exception {
        AckWatch bobTransport = new AckWatch(network.endpoint("bob"));
        bobTransport.refuseSendNow = true;
        bobTransport.refuseReply = true;
        StreamManager alice = manager(network.endpoint("alice"));
        StreamManager bob = manager(bobTransport);
        StreamServerSocket server = bob.serverSocket();
        CountDownLatch acceptable = new CountDownLatch(1);
        server.onAcceptable(pool, acceptable::countDown);
        Async.run(() -> alice.connect(bob.localDestination(), Duration.ofSeconds(1)));
        assertThat(acceptable.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(server::acceptNow).isInstanceOf(IOException.class)
                .hasMessage("the transport had no room for the ACK to mem:alice");

        assertThat(bobTransport.ways).as("no send that may wait was tried").isEmpty();
        assertThat(bob.statistics().get(Counter.SEND_FAILED)).isEqualTo(1);
        assertThat(server.acceptNow()).as("nothing else waits").isNull();
        bobTransport.refuseSendNow = false;
        assertThat(acceptOne(alice, bob, bobTransport, server, false)).isEqualTo("sendNow");
    }

    /** Connects alice to bob, takes the connection by {@code accept()} or {@code acceptNow()}; returns the ACK's way. */
    private static String acceptOne(StreamManager alice, StreamManager bob, AckWatch watch, StreamServerSocket server,
            boolean blocking) throws Exception {
        int before = watch.ways.size();
        Async.Running<StreamSocket> connecting = Async.run(() -> alice.connect(bob.localDestination()));
        StreamSocket accepted;
        if (blocking) {
            accepted = server.accept(Await.LIMIT);
        } else {
            CountDownLatch acceptable = new CountDownLatch(1);
            server.onAcceptable(Runnable::run, acceptable::countDown);
            assertThat(acceptable.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            accepted = server.acceptNow();
        }
        StreamSocket client = connecting.get(WAIT_SECONDS, TimeUnit.SECONDS);
        client.getOutputStream().write(1);
        assertThat(accepted.getInputStream().read()).isEqualTo(1);
        return watch.ways.get(before);
    }

    /** Bob's transport: records how each ACK went, and refuses its sendNow or reply when told to. */
    private static final class AckWatch extends ForwardingTransport {
        final List<String> ways = new CopyOnWriteArrayList<>();
        volatile boolean refuseSendNow;
        volatile boolean refuseReply;

        AckWatch(Transport inner) {
            super(inner);
        }

        private static boolean isAck(ByteBuffer message) {
            return (message.get(message.position()) & 0xFF) == MessageType.ACK.code();
        }

        /** Takes an ACK unless told not to (by a send, which the in-memory transport never makes wait here), whoever is busy. */
        @Override
        public boolean sendNow(Destination to, ByteBuffer header, ByteBuffer payload) {
            if (!isAck(header)) {
                return inner.sendNow(to, header, payload);
            }
            if (refuseSendNow || payload.hasRemaining()) {
                return false;
            }
            try {
                inner.send(to, header);
            } catch (IOException e) {
                return false;
            }
            ways.add("sendNow");
            return true;
        }

        @Override
        public boolean reply(Destination to, ByteBuffer message) {
            if (isAck(message)) {
                if (refuseReply) {
                    return false;
                }
                ways.add("reply");
            }
            return super.reply(to, message);
        }

        @Override
        public void send(Destination to, ByteBuffer message) throws IOException {
            if (isAck(message)) {
                ways.add("send");
            }
            super.send(to, message);
        }
    }
}
