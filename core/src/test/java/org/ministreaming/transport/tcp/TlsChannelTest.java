package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TlsChannel} driven step by step, with the client engine's delegated tasks held by the
 * test: a task that fails closes the engine before the channel hears that the tasks are done,
 * and the channel must report that failure, not an end of the input, whether the task failed
 * while the unwrap that handed it off was still going on, or later, before the next read.
 */
@Timeout(30)
class TlsChannelTest {

    private static final int BUFFER_BYTES = 64 * 1024;

    @ParameterizedTest(name = "the tasks run at once: {0}")
    @ValueSource(booleans = {false, true})
    void aPinCheckThatFailsWhileTheTasksRunIsReportedAsTheHandshakeFailureNotAsTheEndOfTheInput(boolean atOnce) throws Exception {
        DirectBuffers buffers = new DirectBuffers(BUFFER_BYTES, 8);
        Tls serverTls = Tls.create(true, null, new char[0], Set.of());
        Tls clientTls = Tls.create(false, null, new char[0], Set.of(Fingerprints.canonical("AB".repeat(32))));
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (SocketChannel clientSide = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                    SocketChannel serverSide = listener.accept()) {
                clientSide.configureBlocking(false);
                serverSide.configureBlocking(false);
                AtomicReference<Runnable> heldTasks = new AtomicReference<>();
                SSLEngine clientEngine = clientTls.client("127.0.0.1", port);
                TlsChannel client = new TlsChannel(clientSide, clientEngine, buffers, handOff -> {
                    if (atOnce) {
                        runTasks(clientEngine); // as a handshake thread that is done before the unwrap returns
                    }
                    heldTasks.set(handOff); // the channel hears they are done only when this runs
                }, () -> { });
                TlsChannel server = new TlsChannel(serverSide, serverTls.server(), buffers, Runnable::run, () -> { });
                ByteBuffer clientPlain = ByteBuffer.allocate(BUFFER_BYTES);
                ByteBuffer serverPlain = ByteBuffer.allocate(BUFFER_BYTES);

                assertThat(client.writePending()).as("the client hello is written").isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
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
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
