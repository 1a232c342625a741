package org.ministreaming.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
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
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.memory.MemoryNetwork;

/** The java.net.ServerSocket adapter: accept, its timeout, close from another thread, interrupt. */
class ServerSocketAdapterTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager alice;
    private StreamManager bob;
    private ServerSocketAdapter server;

    @BeforeEach
    void start() throws IOException {
        alice = StreamManager.open(network.endpoint("alice"));
        bob = StreamManager.open(network.endpoint("bob"));
        server = new ServerSocketAdapter(bob);
    }

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
    }

    @Test
    void acceptsConnectionsAsSocketAdapters() throws Exception {
        CompletableFuture<SocketAdapter> accepted = Async.run(server::accept);
        try (StreamSocket client = alice.connect(bob.localDestination())) {
            SocketAdapter socket = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(socket.getRemoteSocketAddress()).isEqualTo(new DestinationAddress(alice.localDestination()));
            client.getOutputStream().write(3);
            assertThat(socket.getInputStream().read()).isEqualTo(3);
        }
        ServerSocket plain = server;
        assertThat(plain.isBound()).isTrue();
        assertThat(plain.getLocalSocketAddress()).isEqualTo(new DestinationAddress(bob.localDestination()));
        assertThat(plain.getInetAddress()).isNull();
        assertThat(plain.getLocalPort()).isEqualTo(-1);
    }

    @Test
    void soTimeoutEndsAWaitingAcceptAndTheServerSocketStaysUsable() throws Exception {
        server.setSoTimeout(200);
        assertThat(server.getSoTimeout()).isEqualTo(200);
        assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        assertThat(server.isClosed()).isFalse();

        CompletableFuture<SocketAdapter> accepted = Async.run(server::accept);
        Await.until("the connect is accepted", () -> {
            try (StreamSocket ignored = alice.connect(bob.localDestination())) {
                return true;
            } catch (IOException refusedUntilTheAcceptWaits) {
                return false;
            }
        });
        assertThat(accepted.get(WAIT_SECONDS, TimeUnit.SECONDS).isConnected()).isTrue();
    }

    @Test
    void closeFromAnotherThreadFailsABlockedAcceptAndLeavesAcceptedSocketsOpen() throws Exception {
        CompletableFuture<SocketAdapter> first = Async.run(server::accept);
        StreamSocket client = alice.connect(bob.localDestination());
        SocketAdapter accepted = first.get(WAIT_SECONDS, TimeUnit.SECONDS);

        Async.Running<SocketAdapter> blocked = Async.run(server::accept);
        Blocked.inAccept(blocked.thread());
        server.close();

        assertThatThrownBy(() -> blocked.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SocketException.class);
        assertThat(server.isClosed()).isTrue();
        assertThatThrownBy(server::accept).isInstanceOf(SocketException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> server.setSoTimeout(5)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> alice.connect(bob.localDestination())).isInstanceOf(java.net.ConnectException.class);

        client.getOutputStream().write(8);
        assertThat(accepted.getInputStream().read()).as("accepted sockets stay open").isEqualTo(8);
        assertThat(bob.isClosed()).as("the manager stays open").isFalse();
    }

    @Test
    void anInterruptedAcceptThrowsAndKeepsTheFlag() throws Exception {
        Blocked.assertInterruptedWhileBlocked(server::accept, Blocked::inAccept);
        assertThat(server.isClosed()).isFalse();
    }

    @Test
    void bindAndSocketOptionsAreRefusedAndTcpOptionsKept() throws Exception {
        assertThatThrownBy(() -> server.bind(new InetSocketAddress(0))).isInstanceOf(SocketException.class)
                .hasMessageContaining("Already bound");
        assertThatThrownBy(() -> server.setOption(StandardSocketOptions.SO_REUSEADDR, true))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(server.supportedOptions()).isEmpty();
        server.setReuseAddress(true);
        server.setReceiveBufferSize(4096);
        assertThat(server.getReuseAddress()).isTrue();
        assertThat(server.getReceiveBufferSize()).isEqualTo(4096);
    }

    @Test
    void closingTheManagerClosesTheServerSocket() throws Exception {
        bob.close();
        assertThat(server.isClosed()).isTrue();
        assertThatThrownBy(server::accept).isInstanceOf(SocketException.class);
    }

    @Test
    void manyClientsAtOnceAreEachAcceptedOnce() throws Exception {
        // Within one peer's share of the default backlog (half of 64), so that no SYN is refused
        // however slowly the accepting thread runs on a loaded machine.
        int clients = StreamOptions.DEFAULT_ACCEPT_BACKLOG / 2;
        CompletableFuture<Integer> served = Async.run(() -> {
            int sum = 0;
            for (int i = 0; i < clients; i++) {
                try (SocketAdapter socket = server.accept()) {
                    sum += socket.getInputStream().read();
                }
            }
            return sum;
        });
        CompletableFuture<?>[] sent = new CompletableFuture<?>[clients];
        for (int i = 0; i < clients; i++) {
            int value = i;
            sent[i] = Async.run(() -> {
                try (SocketAdapter socket = DestinationSocketFactory.fixed(alice, bob.localDestination()).createSocket()) {
                    socket.connect(new DestinationAddress(bob.localDestination()), (int) Duration.ofSeconds(30).toMillis());
                    socket.getOutputStream().write(value);
                    return socket.getInputStream().read();
                }
            });
        }
        CompletableFuture.allOf(sent).get(60, TimeUnit.SECONDS);
        assertThat(served.get(60, TimeUnit.SECONDS)).isEqualTo(clients * (clients - 1) / 2);
    }
}
