package org.ministreaming.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.Blocked;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;

/** The java.net.Socket adapter: streams, timeouts, closes from another thread, interrupts, half-open cases. */
class SocketAdapterTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager alice;
    private StreamManager bob;
    private ServerSocketAdapter bobServer;

    @BeforeEach
    void start() throws IOException {
        alice = StreamManager.open(network.endpoint("alice"));
        bob = StreamManager.open(network.endpoint("bob"));
        bobServer = new ServerSocketAdapter(bob);
    }

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
    }

    /** An endpoint that takes every message and answers none, as a peer that never runs a manager. */
    private MemoryTransport silentEndpoint() throws IOException {
        MemoryTransport silent = network.endpoint("silent");
        silent.start(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        return silent;
    }

    /** A connected pair: alice's socket first, bob's accepted one second. */
    private SocketAdapter[] connect() throws Exception {
        CompletableFuture<SocketAdapter> accepted = Async.run(bobServer::accept);
        SocketAdapter client = new SocketAdapter(alice);
        client.connect(new DestinationAddress(bob.localDestination()), 5000);
        return new SocketAdapter[] {client, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    @Test
    void carriesBytesBothWaysAndNamesBothDestinations() throws Exception {
        SocketAdapter[] pair = connect();
        pair[0].getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(pair[1].getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("ping");
        pair[1].getOutputStream().write("pong".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(pair[0].getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("pong");

        assertThat(pair[0].getRemoteSocketAddress()).isEqualTo(new DestinationAddress(bob.localDestination()));
        assertThat(pair[0].getLocalSocketAddress()).isEqualTo(new DestinationAddress(alice.localDestination()));
        assertThat(pair[1].getRemoteSocketAddress()).isEqualTo(new DestinationAddress(alice.localDestination()));
        assertThat(pair[1].getLocalSocketAddress()).isEqualTo(new DestinationAddress(bob.localDestination()));
        assertThat(((DestinationAddress) pair[1].getRemoteSocketAddress()).destination()).isEqualTo(alice.localDestination());
        for (SocketAdapter socket : pair) {
            assertThat(socket.isConnected()).isTrue();
            assertThat(socket.isBound()).isTrue();
            assertThat(socket.isClosed()).isFalse();
            assertThat(socket.getInetAddress()).isNull();
            assertThat(socket.getPort()).isZero();
            assertThat(socket.getLocalPort()).isEqualTo(-1);
            assertThat(socket.getLocalAddress().isAnyLocalAddress()).isTrue();
        }
    }

    @Test
    void soTimeoutEndsAWaitingReadAndTheSocketStaysUsable() throws Exception {
        SocketAdapter[] pair = connect();
        pair[0].setSoTimeout(200);
        assertThat(pair[0].getSoTimeout()).isEqualTo(200);
        assertThat(pair[0].streamSocket().getReadTimeout()).isEqualTo(Duration.ofMillis(200));

        long started = System.nanoTime();
        assertThatThrownBy(() -> pair[0].getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(pair[0].isClosed()).isFalse();

        pair[1].getOutputStream().write(7);
        assertThat(pair[0].getInputStream().read()).isEqualTo(7);
        pair[0].setSoTimeout(0);
        assertThat(pair[0].streamSocket().getReadTimeout()).isEqualTo(Duration.ZERO);
    }

    @Test
    void soTimeoutSetBeforeTheConnectApplies() throws Exception {
        CompletableFuture<SocketAdapter> accepted = Async.run(bobServer::accept);
        SocketAdapter client = new SocketAdapter(alice);
        client.setSoTimeout(150);
        client.connect(new DestinationAddress(bob.localDestination()));
        accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(client.streamSocket().getReadTimeout()).isEqualTo(Duration.ofMillis(150));
        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReaderAndThePeerSeesTheEnd() throws Exception {
        SocketAdapter[] pair = connect();
        Async.Running<Integer> read = Async.run(() -> pair[0].getInputStream().read());
        Blocked.inRead(read.thread());
        pair[0].close();

        assertThatThrownBy(() -> read.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SocketException.class);
        assertThat(pair[0].isClosed()).isTrue();
        assertThat(pair[0].isConnected()).as("stays true after a close, as with TCP").isTrue();
        assertThatThrownBy(pair[0]::getInputStream).isInstanceOf(SocketException.class).hasMessageContaining("closed");
        assertThatThrownBy(pair[0]::getOutputStream).isInstanceOf(SocketException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> pair[0].setSoTimeout(1)).isInstanceOf(SocketException.class);
        pair[0].close();

        assertThat(pair[1].getInputStream().read()).as("the peer reads the end of the stream").isEqualTo(-1);
    }

    @Test
    void anInterruptedReadThrowsKeepsTheFlagAndLeavesTheSocketOpen() throws Exception {
        SocketAdapter[] pair = connect();
        Blocked.assertInterruptedWhileBlocked(() -> pair[0].getInputStream().read(), Blocked::inRead);

        assertThat(pair[0].isClosed()).isFalse();
        pair[1].getOutputStream().write(42);
        assertThat(pair[0].getInputStream().read()).isEqualTo(42);
    }

    @Test
    void aPeerThatClosedLeavesItsBytesReadableThenTheEndThenFailingWrites() throws Exception {
        SocketAdapter[] pair = connect();
        pair[1].getOutputStream().write(new byte[] {1, 2, 3});
        pair[1].close();

        InputStream in = pair[0].getInputStream();
        assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(pair[0].isClosed()).as("only a local close closes the socket, as with TCP").isFalse();
        Await.until("writes to the closed peer fail", () -> {
            try {
                pair[0].getOutputStream().write(9);
                return false;
            } catch (IOException expected) {
                return true;
            }
        });
        pair[0].close();
        assertThat(pair[0].isClosed()).isTrue();
    }

    @Test
    void halfCloseIsRefusedSayingWhy() throws Exception {
        SocketAdapter[] pair = connect();
        assertThatThrownBy(pair[0]::shutdownOutput).isInstanceOf(SocketException.class).hasMessageContaining("no half-close");
        assertThatThrownBy(pair[0]::shutdownInput).isInstanceOf(SocketException.class).hasMessageContaining("no half-close");
        assertThat(pair[0].isOutputShutdown()).isFalse();
        assertThat(pair[0].isInputShutdown()).isFalse();

        pair[0].getOutputStream().write(5);
        assertThat(pair[1].getInputStream().read()).as("the refusal leaves the connection as it was").isEqualTo(5);
    }

    @Test
    void closingEitherStreamClosesTheSocket() throws Exception {
        SocketAdapter[] pair = connect();
        pair[0].getInputStream().close();
        assertThat(pair[0].isClosed()).isTrue();
        pair[1].getOutputStream().close();
        assertThat(pair[1].isClosed()).isTrue();
    }

    @Test
    void anUnconnectedSocketSaysSo() throws Exception {
        SocketAdapter socket = new SocketAdapter(alice);
        assertThat(socket.isConnected()).isFalse();
        assertThat(socket.isBound()).isFalse();
        assertThat(socket.getRemoteSocketAddress()).isNull();
        assertThat(socket.getLocalSocketAddress()).isEqualTo(new DestinationAddress(alice.localDestination()));
        assertThatThrownBy(socket::getInputStream).isInstanceOf(SocketException.class).hasMessageContaining("not connected");
        assertThatThrownBy(() -> socket.connect(new InetSocketAddress("localhost", 80)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DestinationAddress");
        assertThatThrownBy(() -> socket.connect(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> socket.bind(new InetSocketAddress(0))).isInstanceOf(SocketException.class);
        new SocketAdapter(alice).bind(new DestinationAddress(alice.localDestination()));

        socket.close();
        assertThatThrownBy(() -> socket.connect(new DestinationAddress(bob.localDestination())))
                .isInstanceOf(SocketException.class).hasMessageContaining("closed");
    }

    @Test
    void aSecondConnectIsRefused() throws Exception {
        SocketAdapter[] pair = connect();
        assertThatThrownBy(() -> pair[0].connect(new DestinationAddress(bob.localDestination())))
                .isInstanceOf(SocketException.class).hasMessageContaining("Already connected");
    }

    @Test
    void theConnectTimeoutIsHonoured() throws Exception {
        MemoryTransport silent = silentEndpoint();
        try {
            SocketAdapter socket = new SocketAdapter(alice);
            long started = System.nanoTime();
            assertThatThrownBy(() -> socket.connect(new DestinationAddress(silent.localDestination()), 300))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(StreamOptions.DEFAULT_CONNECT_TIMEOUT);
            assertThat(socket.isConnected()).isFalse();
        } finally {
            silent.close();
        }
    }

    @Test
    void aCloseFromAnotherThreadEndsAConnectAtOnceAndLeavesNoInterruptBehind() throws Exception {
        MemoryTransport silent = silentEndpoint();
        try {
            SocketAdapter socket = new SocketAdapter(alice);
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            Thread connecting = new Thread(() -> {
                try {
                    socket.connect(new DestinationAddress(silent.localDestination()));
                    interruptedAfter.completeExceptionally(new AssertionError("connected to a silent peer"));
                } catch (IOException e) {
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                    if (!(e instanceof SocketException) || !e.getMessage().startsWith("Socket closed")) {
                        interruptedAfter.obtrudeException(e);
                    }
                }
            }, "connecting");
            connecting.start();
            Await.parkedIn(connecting, SocketAdapter.class, "connect");

            long closed = System.nanoTime();
            socket.close();

            assertThat(interruptedAfter.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("the connecting thread's interrupt flag").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(StreamOptions.DEFAULT_CONNECT_TIMEOUT);
            connecting.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(socket.isConnected()).isFalse();
            assertThat(socket.isClosed()).isTrue();
        } finally {
            silent.close();
        }
    }

    @Test
    void aRefusedConnectThrowsConnectException() throws Exception {
        bobServer.close();
        SocketAdapter socket = new SocketAdapter(alice);
        assertThatThrownBy(() -> socket.connect(new DestinationAddress(bob.localDestination())))
                .isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void tcpOptionsAreKeptAndSocketOptionsRefused() throws Exception {
        SocketAdapter[] pair = connect();
        SocketAdapter socket = pair[0];
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        socket.setSoLinger(true, 5);
        socket.setSendBufferSize(1000);
        socket.setReceiveBufferSize(2000);
        socket.setTrafficClass(0x10);
        assertThat(socket.getTcpNoDelay()).isTrue();
        assertThat(socket.getKeepAlive()).isTrue();
        assertThat(socket.getSoLinger()).isEqualTo(5);
        assertThat(socket.getSendBufferSize()).isEqualTo(1000);
        assertThat(socket.getReceiveBufferSize()).isEqualTo(2000);
        assertThat(socket.getTrafficClass()).isEqualTo(0x10);
        assertThat(socket.supportedOptions()).isEmpty();
        assertThatThrownBy(() -> socket.setOption(StandardSocketOptions.TCP_NODELAY, true))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("TCP_NODELAY");
        assertThatThrownBy(() -> socket.getOption(StandardSocketOptions.SO_RCVBUF))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> socket.sendUrgentData(1)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> socket.setReceiveBufferSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTrafficClassOutOfRangeIsRefusedAsWithTcp() throws Exception {
        SocketAdapter socket = new SocketAdapter(alice);
        assertThatThrownBy(() -> socket.setTrafficClass(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 -- 255");
        assertThatThrownBy(() -> socket.setTrafficClass(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(socket.getTrafficClass()).as("unchanged").isZero();
        socket.setTrafficClass(255);
        assertThat(socket.getTrafficClass()).isEqualTo(255);
    }

    @Test
    void availableCountsWhatArrivedAndFailsOnceClosedAsWithTcp() throws Exception {
        SocketAdapter[] pair = connect();
        InputStream in = pair[0].getInputStream();
        assertThat(in.available()).isZero();
        pair[1].getOutputStream().write(new byte[] {1, 2, 3});
        Await.until("the bytes arrive", () -> {
            try {
                return in.available() == 3;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        pair[0].close();
        assertThatThrownBy(in::available).isInstanceOf(SocketException.class).hasMessage("Socket closed");
    }

    @Test
    void aSocketBindsOnceAndThenSaysItIsBoundAsWithTcp() throws Exception {
        SocketAdapter socket = new SocketAdapter(alice);
        socket.bind(null);
        assertThat(socket.isBound()).isTrue();
        assertThat(socket.isConnected()).isFalse();
        assertThatThrownBy(() -> socket.bind(null)).isInstanceOf(SocketException.class).hasMessage("Already bound");

        CompletableFuture<SocketAdapter> accepted = Async.run(bobServer::accept);
        socket.connect(new DestinationAddress(bob.localDestination()), 5000);
        accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(socket.isConnected()).isTrue();
        SocketAdapter[] pair = connect();
        assertThatThrownBy(() -> pair[0].bind(null)).as("a connected socket is bound").isInstanceOf(SocketException.class)
                .hasMessage("Already bound");
    }
}
