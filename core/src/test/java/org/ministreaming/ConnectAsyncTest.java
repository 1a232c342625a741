package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.reliable.ReliableTransport;
import org.ministreaming.transport.tcp.TcpTransport;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * {@link StreamManager#connectAsync}: the answer comes as a future, completed once, on whatever
 * thread learns it; exchanges chained from callbacks never block, over every transport.
 */
class ConnectAsyncTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    /**
     * Two chains of exchanges, each opened from the callback that read the answer of the one
     * before, against a server in callbacks: on the in-memory transport every step runs on the
     * threads that hand messages over; over TCP, with and without busy polling, on the links'
     * threads; over the reliable layer on its own.
     */
    @ParameterizedTest
    @ValueSource(strings = {"memory", "tcp", "tcp-busy-poll", "reliable"})
    void chainsOfExchangesRunInCallbacks(String transport) throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Duration poll = transport.equals("tcp-busy-poll") ? Duration.ofNanos(200_000) : Duration.ZERO;
        StreamManager server = open(transport.startsWith("tcp") ? TcpTransport.plain().busyPoll(poll).listen("tcp://127.0.0.1:0").build()
                : transport.equals("memory") ? network.endpoint("server") : ReliableTransport.builder(network.endpoint("server")).build());
        StreamManager client = open(transport.startsWith("tcp") ? TcpTransport.plain().busyPoll(poll).build()
                : transport.equals("memory") ? network.endpoint("client") : ReliableTransport.builder(network.endpoint("client")).build());
        InPlaceServer answering = new InPlaceServer(server.serverSocket());
        int exchanges = 1000;

        List<CompletableFuture<Void>> chains = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        for (int c = 0; c < chains.size(); c++) {
            chain(client, server.localDestination(), c * exchanges, exchanges, chains.get(c));
        }
        for (CompletableFuture<Void> chain : chains) {
            chain.get(Await.LIMIT.toSeconds() * 2, TimeUnit.SECONDS);
        }

        Await.until("every connection the server took was answered", () -> answering.answered.get() == 2 * exchanges);
        assertThat(answering.failures).isEmpty();
        assertThat(client.statistics().get(Counter.UNEXPECTED)).isZero();
        assertThat(server.statistics().get(Counter.UNEXPECTED)).isZero();
    }

    /**
     * Cancels racing the answers: half the connects are cancelled at once, the rest closed once
     * connected. Whichever wins each race, every connection the server accepted is closed by the
     * client (a close for the socket, for a connect cancelled as it connected, or for a late ACK).
     */
    @ParameterizedTest
    @ValueSource(strings = {"memory", "tcp"})
    void cancelsRacingTheAnswersLeaveNoAcceptedConnectionOpen(String transport) throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager server = open(transport.equals("tcp") ? TcpTransport.plain().listen("tcp://127.0.0.1:0").build() : network.endpoint("server"));
        StreamManager client = open(transport.equals("tcp") ? TcpTransport.plain().build() : network.endpoint("client"));
        StreamServerSocket listening = server.serverSocket();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger closedByClient = new AtomicInteger();
        new Runnable() {
            @Override
            public void run() {
                try {
                    StreamSocket socket;
                    while ((socket = listening.acceptNow()) != null) {
                        accepted.incrementAndGet();
                        awaitEnd(socket, closedByClient);
                    }
                } catch (IOException closed) {
                    return;
                }
                listening.onAcceptable(Runnable::run, this);
            }
        }.run();

        List<CompletableFuture<StreamSocket>> kept = new ArrayList<>();
        int cancelled = 0;
        for (int i = 0; i < 500; i++) {
            CompletableFuture<StreamSocket> socket = client.connectAsync(server.localDestination());
            if (i % 2 == 0 && socket.cancel(false)) {
                cancelled++;
            } else {
                kept.add(socket);
            }
        }
        for (CompletableFuture<StreamSocket> socket : kept) {
            socket.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS).close();
        }

        assertThat(cancelled).as("connects cancelled before their answer").isPositive();
        Await.until(() -> closedByClient.get() + " of " + accepted.get() + " accepted connections closed by the client",
                () -> accepted.get() >= kept.size() && closedByClient.get() == accepted.get());
    }

    @Test
    void aPeerWithNoServerSocketRefuses() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager server = open(network.endpoint("server"));
        StreamManager client = open(network.endpoint("client"));

        CompletableFuture<StreamSocket> socket = client.connectAsync(server.localDestination());

        assertThat(failure(socket)).isInstanceOf(ConnectionRefusedException.class)
                .hasMessage("connection refused by " + server.localDestination());
    }

    @Test
    void noAnswerInTimeFailsWithATimeoutAndALateAckGetsAClose() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager client = open(network.endpoint("client"));
        ScriptedPeer silent = scripted(network, "silent");

        CompletableFuture<StreamSocket> socket = client.connectAsync(silent.destination(), Duration.ofMillis(100));
        Message syn = silent.expectMessage();

        assertThat(syn.type()).isEqualTo(MessageType.SYN);
        assertThat(failure(socket)).isInstanceOf(SocketTimeoutException.class)
                .hasMessageStartingWith("no answer from " + silent.destination() + " within 100 ms");
        assertALateAckGetsAClose(client, silent, syn);
    }

    @Test
    void aCancelledConnectIsGivenUpAndALateAckGetsAClose() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager client = open(network.endpoint("client"));
        ScriptedPeer slow = scripted(network, "slow");

        CompletableFuture<StreamSocket> socket = client.connectAsync(slow.destination());
        Message syn = slow.expectMessage();
        assertThat(socket.cancel(false)).isTrue();

        assertALateAckGetsAClose(client, slow, syn);
    }

    /** The peer ACKs {@code syn} after the client gave the connect up: the client closes the server id at once. */
    private static void assertALateAckGetsAClose(StreamManager client, ScriptedPeer peer, Message syn) throws Exception {
        peer.send(client.localDestination(), "S->C 51 " + syn.id() + " 12 34 56");
        assertThat(ScriptedPeer.hex(peer.expect())).isEqualTo("A2 12 34 56");
        assertThat(client.statistics().get(Counter.LATE_ACK)).isEqualTo(1);
    }

    @Test
    void aClosedManagerFailsTheFutureInsteadOfThrowing() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager server = open(network.endpoint("server"));
        StreamManager client = open(network.endpoint("client"));
        client.close();

        CompletableFuture<StreamSocket> socket = client.connectAsync(server.localDestination());

        assertThat(socket).isCompletedExceptionally();
        assertThat(failure(socket)).isInstanceOf(SocketException.class).hasMessage("the manager is closed");
    }

    @Test
    void closingTheManagerFailsAConnectWaitingForItsAnswer() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager client = open(network.endpoint("client"));
        ScriptedPeer silent = scripted(network, "silent");
        CompletableFuture<StreamSocket> socket = client.connectAsync(silent.destination());
        silent.expectMessage();

        client.close();

        assertThat(failure(socket)).isInstanceOf(SocketException.class).hasMessage("the manager was closed");
    }

    @Test
    void aReachedConnectionLimitFailsTheFuture() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager server = open(network.endpoint("server"));
        StreamManager client = StreamManager.open(network.endpoint("client"),
                StreamOptions.builder().maxConnections(1).build());
        opened.add(client);
        new InPlaceServer(server.serverSocket());
        StreamSocket first = client.connectAsync(server.localDestination()).get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);

        CompletableFuture<StreamSocket> second = client.connectAsync(server.localDestination());

        assertThat(first.isClosed()).isFalse();
        assertThat(failure(second)).isInstanceOf(SocketException.class).hasMessageStartingWith("connection limit reached");
    }

    /** Over TCP with no link to the peer yet, the SYN waits for a dial: a thread of the manager's does it, not the caller. */
    @Test
    void aFirstConnectOverTcpDialsOnAThreadOfTheManager() throws Exception {
        StreamManager server = open(TcpTransport.plain().listen("tcp://127.0.0.1:0").build());
        StreamManager client = open(TcpTransport.plain().build());
        new InPlaceServer(server.serverSocket());

        try (StreamSocket socket = client.connectAsync(server.localDestination()).get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            assertThat(socket.role()).isEqualTo(Role.CLIENT);
            assertThat(ThreadLeaks.live("ministreaming-connect-" + client.localDestination())).as("the client's opener").isNotEmpty();
        }
    }

    @Test
    void aDialThatFailsFailsTheFuture() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        StreamManager client = open(TcpTransport.plain().build());

        CompletableFuture<StreamSocket> socket = client.connectAsync(Destination.of("tcp://127.0.0.1:" + port));

        assertThat(failure(socket)).isInstanceOf(ConnectException.class);
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRejected() throws Exception {
        StreamManager client = open(new MemoryNetwork().endpoint("client"));

        assertThatThrownBy(() -> client.connectAsync(client.localDestination(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Opens {@code left} exchanges one after another, each from the callback that ended the one before; {@code done} ends with them or the first failure. */
    private static void chain(StreamManager client, Destination server, int first, int left, CompletableFuture<Void> done) {
        if (left == 0) {
            done.complete(null);
            return;
        }
        client.connectAsync(server).whenComplete((socket, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
                return;
            }
            int value = first & 0x7F;
            try {
                assertThat(socket.writeNow(new byte[] {(byte) value}, 0, 1)).isEqualTo(1);
                socket.onReadable(Runnable::run, () -> answered(client, server, socket, value, first, left, done));
            } catch (IOException | AssertionError e) {
                done.completeExceptionally(e);
            }
        });
    }

    private static void answered(StreamManager client, Destination server, StreamSocket socket, int value, int first, int left,
            CompletableFuture<Void> done) {
        byte[] one = new byte[1];
        try (socket) {
            int read = socket.readNow(one, 0, 1);
            if (read == 0) {
                socket.onReadable(Runnable::run, () -> answered(client, server, socket, value, first, left, done));
                return;
            }
            assertThat(read).isEqualTo(1);
            assertThat(one[0]).as("the answer to %d", value).isEqualTo((byte) (value + 1));
        } catch (IOException | AssertionError e) {
            done.completeExceptionally(e);
            return;
        }
        chain(client, server, first + 1, left - 1, done);
    }

    /** Counts {@code socket} in {@code closed} once the peer closed it: its read ends. */
    private static void awaitEnd(StreamSocket socket, AtomicInteger closed) {
        socket.onReadable(Runnable::run, () -> {
            try {
                if (socket.readNow(new byte[1], 0, 1) == 0) {
                    awaitEnd(socket, closed);
                    return;
                }
            } catch (IOException ended) {
                // reset or failed: ended too
            }
            closed.incrementAndGet();
            socket.close();
        });
    }

    private static Throwable failure(CompletableFuture<StreamSocket> socket) throws InterruptedException {
        try {
            StreamSocket connected = socket.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
            connected.close();
            throw new AssertionError("connected to " + connected.peer());
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer in " + Await.LIMIT, e);
        }
    }

    /** A peer played by the test, closed after it. */
    private ScriptedPeer scripted(MemoryNetwork network, String name) throws IOException {
        ScriptedPeer peer = new ScriptedPeer(network, name);
        opened.add(peer);
        return peer;
    }

    private StreamManager open(Transport transport) throws IOException {
        StreamManager manager = StreamManager.open(transport, StreamOptions.builder().synsPerSecondPerPeer(1_000_000).build());
        opened.add(manager);
        return manager;
    }
}
