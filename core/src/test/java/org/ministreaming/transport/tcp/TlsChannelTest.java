package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.testing.Await;

/**
 * {@link TlsChannel} driven step by step, with the client engine's delegated tasks held by the
 * test: a task that fails closes the engine before the channel hears that the tasks are done,
 * and the channel must report that failure, not an end of the input, whether the task failed
 * while the unwrap that handed it off was still going on, or later, before the next read. And
 * records that arrive while the engine must write before it reads on are unwrapped once it has
 * written, without waiting for more bytes from the peer.
 */
@Timeout(30)
class TlsChannelTest {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final DirectBuffers BUFFERS = new DirectBuffers(BUFFER_BYTES, 8, 8);

    /** A connected pair of loopback channels: the client's non-blocking, the server's blocking. */
    private record Loopback(ServerSocketChannel listener, SocketChannel client, SocketChannel server) implements AutoCloseable {

        static Loopback open() throws IOException {
            ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            client.configureBlocking(false);
            return new Loopback(listener, client, listener.accept());
        }

        int port() {
            return server.socket().getLocalPort();
        }

        @Override
        public void close() throws IOException {
            try (listener; client; server) {
                // all three closed, in reverse order
            }
        }
    }

    @ParameterizedTest(name = "the tasks run at once: {0}")
    @ValueSource(booleans = {false, true})
    void aPinCheckThatFailsWhileTheTasksRunIsReportedAsTheHandshakeFailureNotAsTheEndOfTheInput(boolean atOnce) throws Exception {
        Tls serverTls = Tls.create(true, null, new char[0], Set.of());
        Tls clientTls = Tls.create(false, null, new char[0], Set.of(Fingerprints.canonical("AB".repeat(32))));
        try (Loopback loopback = Loopback.open()) {
            SocketChannel serverSide = loopback.server();
            serverSide.configureBlocking(false);
            AtomicReference<Runnable> heldTasks = new AtomicReference<>();
            SSLEngine clientEngine = clientTls.client("127.0.0.1", loopback.port());
            TlsChannel client = new TlsChannel(loopback.client(), clientEngine, BUFFERS, handOff -> {
                if (atOnce) {
                    runTasks(clientEngine); // as a handshake thread that is done before the unwrap returns
                }
                heldTasks.set(handOff); // the channel hears they are done only when this runs
            }, () -> { });
            TlsChannel server = new TlsChannel(serverSide, serverTls.server(), BUFFERS, Runnable::run, () -> { });
            ByteBuffer clientPlain = ByteBuffer.allocate(BUFFER_BYTES);
            ByteBuffer serverPlain = ByteBuffer.allocate(BUFFER_BYTES);

            assertThat(client.writePending()).as("the client hello is written").isTrue();
            long deadline = System.nanoTime() + Await.LIMIT.toNanos();
            while (!clientEngine.isInboundDone()) {
                assertThat(System.nanoTime() - deadline).as("the pin check ran in time").isNegative();
                server.read(serverPlain);
                server.writePending();
                assertThat(client.read(clientPlain))
                        .as("a read while the tasks are not seen done; the engine closed: %s", clientEngine.isInboundDone())
                        .isNotNegative();
                Runnable tasks = heldTasks.getAndSet(null);
                if (tasks != null) {
                    runTasks(clientEngine);
                    if (clientEngine.isInboundDone()) {
                        assertThat(client.read(clientPlain))
                                .as("the engine is closed by its failed task, which the channel has not seen done")
                                .isZero();
                    }
                    tasks.run();
                }
            }

            assertThatThrownBy(client::writePending)
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("not pinned");
        }
    }

    @Test
    void recordsThatCameWhileTheEngineHadToWriteFirstAreUnwrappedWithoutMoreFromThePeer() throws Exception {
        Tls serverTls = Tls.create(true, null, new char[0], Set.of());
        Tls clientTls = Tls.create(false, null, new char[0], Set.of(Fingerprints.canonical(serverTls.fingerprint())));
        try (Loopback loopback = Loopback.open(); Selector selector = Selector.open()) {
            Socket server = loopback.server().socket(); // blocking: the test plays the server's engine by hand
            loopback.client().register(selector, SelectionKey.OP_READ);
            AtomicReference<Runnable> heldTasks = new AtomicReference<>();
            SSLEngine clientEngine = clientTls.client("127.0.0.1", loopback.port());
            TlsChannel client = new TlsChannel(loopback.client(), clientEngine, BUFFERS, heldTasks::set, () -> { });
            ByteBuffer clientPlain = ByteBuffer.allocate(BUFFER_BYTES);
            assertThat(client.writePending()).as("the client hello is written").isTrue();
            ByteBuffer flight = serverFlight(serverTls.server(), server.getInputStream());
            int serverHello = 5 + (flight.getShort(3) & 0xFFFF);

            server.getOutputStream().write(flight.array(), 0, serverHello); // the server hello alone
            while (heldTasks.get() == null) {
                assertThat(selector.select(Await.LIMIT.toMillis())).as("the server hello arrived").isPositive();
                selector.selectedKeys().clear();
                client.read(clientPlain);
            }
            server.getOutputStream().write(flight.array(), serverHello, flight.limit() - serverHello); // the rest, while the tasks run
            assertThat(selector.select(Await.LIMIT.toMillis())).as("the rest arrived").isPositive();
            runTasks(clientEngine);
            heldTasks.getAndSet(null).run();
            assertThat(clientEngine.getHandshakeStatus()).as("the engine must write first").isEqualTo(HandshakeStatus.NEED_WRAP);
            client.read(clientPlain); // the last readable event: no more bytes will come until the client answers

            assertThat(heldTasks.get())
                    .as("the engine took the server's certificate (its tasks handed off) without more from the peer")
                    .isNotNull();
        }
    }

    /** The server's first flight, from its engine, in answer to the client hello read from {@code in}. */
    private static ByteBuffer serverFlight(SSLEngine engine, InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        byte[] body = in.readNBytes(((header[3] & 0xFF) << 8) | (header[4] & 0xFF));
        ByteBuffer hello = ByteBuffer.allocate(header.length + body.length).put(header).put(body).flip();
        engine.unwrap(hello, ByteBuffer.allocate(BUFFER_BYTES));
        ByteBuffer flight = ByteBuffer.allocate(BUFFER_BYTES);
        while (engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks(engine);
            } else {
                engine.wrap(ByteBuffer.allocate(0), flight);
            }
        }
        return flight.flip();
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
