package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.Counter;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.reliable.ReliableTransport;

/** What happens when the router goes away, or was never there. Each test has a router of its own. */
class RouterLossTest {

    private static final StreamOptions OPTIONS = StreamOptions.builder().readTimeout(Duration.ofSeconds(60)).build();

    @Test
    void losingTheRouterFailsConnectionsPromptlyAndTheSessionComesBack() throws Exception {
        I2pRouter router = I2pRouter.start();
        try {
            I2cpTransport serverI2cp = Endpoints.on(router).buildPlain();
            I2cpTransport clientI2cp = Endpoints.on(router).buildPlain();
            try (StreamManager server = StreamManager.open(ReliableTransport.wrap(serverI2cp), OPTIONS);
                 StreamManager client = StreamManager.open(ReliableTransport.wrap(clientI2cp), OPTIONS)) {
                StreamServerSocket serverSocket = server.serverSocket();
                Connected connected = exchange(client, server, serverSocket);
                FutureTask<Integer> reading = new FutureTask<>(() -> connected.client().getInputStream().read());
                Thread reader = new Thread(reading, "test-blocked-reader");
                reader.setDaemon(true);
                reader.start();
                awaitParkedInRead(reader);

                long killed = System.nanoTime();
                router.kill();
                assertThatThrownBy(() -> reading.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(IOException.class)
                        .hasMessageContaining("lost the I2CP session with the I2P router at 127.0.0.1:" + router.i2cpPort());
                assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
                assertThat(clientI2cp.isConnected()).isFalse();
                assertThat(client.statistics().get(Counter.PEERS_LOST)).as("the manager reports it").isPositive();
                assertThatThrownBy(() -> client.connect(server.localDestination()))
                        .isInstanceOf(IOException.class).hasMessageContaining("not connected to the I2P router");

                router = router.restart();
                Await.until("both sessions are back", () -> serverI2cp.isConnected() && clientI2cp.isConnected());
                assertThat(clientI2cp.disconnects()).isEqualTo(1);
                exchange(client, server, serverSocket).close();
                connected.close();
            }
        } finally {
            router.close();
        }
    }

    @Test
    void busyConnectionsAllFailPromptlyWhenTheRouterDies() throws Exception {
        int connections = 8;
        try (I2pRouter router = I2pRouter.start();
             StreamManager server = StreamManager.open(Endpoints.on(router).build(), OPTIONS);
             StreamManager client = StreamManager.open(Endpoints.on(router).build(), OPTIONS)) {
            StreamServerSocket serverSocket = server.serverSocket();
            List<CompletableFuture<Void>> work = new ArrayList<>();
            CountDownLatch flowing = new CountDownLatch(connections);
            for (int i = 0; i < connections; i++) {
                Connected connected = exchange(client, server, serverSocket);
                work.add(Async.run(() -> writeUntilFailure(connected.client(), flowing)));
                work.add(Async.run(() -> readUntilFailure(connected.served())));
            }
            assertThat(flowing.await(30, TimeUnit.SECONDS)).as("every writer got going").isTrue();

            router.kill();

            for (CompletableFuture<Void> each : work) {
                assertThatThrownBy(() -> each.get(15, TimeUnit.SECONDS)).as("every reader and writer fails")
                        .hasCauseInstanceOf(IOException.class)
                        .hasMessageContaining("I2P router at 127.0.0.1:" + router.i2cpPort());
            }
        }
        assertThat(reconnectingThreads()).isEmpty();
    }

    @Test
    void closingWhileReconnectingStopsTheReconnectingThread() throws Exception {
        try (I2pRouter router = I2pRouter.start()) {
            I2cpTransport transport = Endpoints.on(router).buildPlain();
            try (StreamManager manager = StreamManager.open(transport, OPTIONS)) {
                router.kill();
                Await.until("the session is lost and a thread reconnects",
                        () -> transport.disconnects() == 1 && reconnectingThreads().size() == 1);
            }
            assertThat(reconnectingThreads()).as("closing the manager ended it").isEmpty();
            assertThat(transport.isConnected()).isFalse();
        }
    }

    @Test
    void aRouterThatIsNotThereIsAClearError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var transport = I2cpTransport.builder().router("127.0.0.1", port).build();

        assertThatThrownBy(() -> StreamManager.open(transport))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open an I2CP session with the I2P router at 127.0.0.1:" + port)
                .hasMessageContaining("is the router running");
    }

    private static Void writeUntilFailure(StreamSocket socket, CountDownLatch flowing) throws IOException {
        byte[] chunk = new byte[16 * 1024];
        socket.getOutputStream().write(chunk);
        flowing.countDown();
        while (true) {
            socket.getOutputStream().write(chunk);
        }
    }

    /** Reads until the read fails; returns normally at a clean end of stream, which the caller must see as no failure. */
    private static Void readUntilFailure(StreamSocket socket) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (socket.getInputStream().read(buffer) >= 0) {
            // Keeps reading so that the writer's credit keeps coming back.
        }
        return null;
    }

    /**
     * Waits until {@code thread} is parked inside a read of the library's input stream, so that
     * what fails it afterwards is known to fail a blocked read, not one that had not begun.
     */
    private static void awaitParkedInRead(Thread thread) {
        Await.until(() -> thread.getName() + " parks in a read; it is " + thread.getState(), () -> {
            Thread.State state = thread.getState();
            return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                    && Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("read")
                            && frame.getClassName().startsWith(StreamSocket.class.getName()));
        });
    }

    private static List<Thread> reconnectingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("ministreaming-i2cp-reconnect-"))
                .toList();
    }

    /** Both ends of one connection. */
    private record Connected(StreamSocket client, StreamSocket served) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            served.close();
        }
    }

    /** Opens a connection and moves one byte each way over it. */
    private static Connected exchange(StreamManager client, StreamManager server, StreamServerSocket serverSocket) throws Exception {
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(30)));
        StreamSocket socket = client.connect(server.localDestination());
        StreamSocket served = accepted.get(60, TimeUnit.SECONDS);
        socket.getOutputStream().write(5);
        assertThat(served.getInputStream().read()).isEqualTo(5);
        served.getOutputStream().write(6);
        assertThat(socket.getInputStream().read()).isEqualTo(6);
        return new Connected(socket, served);
    }
}
