package org.ministreaming.i2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.client.streaming.I2PSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.Blocked;
import org.ministreaming.ConnectionRefusedException;
import org.ministreaming.StreamOptions;
import org.ministreaming.testing.Await;

/** I2P's socket interfaces over ministreaming on the in-memory transport. */
class I2pInterfacesTest {

    private MemoryManagers managers;

    @BeforeEach
    void start() throws Exception {
        managers = new MemoryManagers(StreamOptions.builder().acceptBacklog(128).maxConnectionsPerPeer(128).build());
    }

    @AfterEach
    void stop() {
        managers.close();
    }

    @Test
    void anEchoProgramWrittenForI2pRunsOnMinistreaming() throws Exception {
        I2PSocketManager server = managers.server;
        I2PSocketManager client = managers.client;
        try (EchoProgram echo = new EchoProgram(server)) {
            assertThat(EchoProgram.call(client, managers.serverDestination(), "hello", "world"))
                    .containsExactly("echo hello", "echo world");

            List<CompletableFuture<List<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String line = "line " + i;
                calls.add(Async.run(() -> EchoProgram.call(client, managers.serverDestination(), line, line + "!")));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(60, TimeUnit.SECONDS)).containsExactly("echo line " + i, "echo line " + i + "!");
            }
        }
    }

    @Test
    void socketsNameBothI2pDestinationsAndAreListedWhileOpen() throws Exception {
        I2PServerSocket serverSocket = managers.server.getServerSocket();
        assertThat(managers.server.getServerSocket()).isSameAs(serverSocket);
        CompletableFuture<I2PSocket> accepted = Async.run(serverSocket::accept);
        I2PSocket socket = managers.client.connect(managers.serverDestination());
        I2PSocket other = accepted.get(10, TimeUnit.SECONDS);

        assertThat(socket.getPeerDestination()).isEqualTo(managers.serverDestination());
        assertThat(other.getPeerDestination()).isEqualTo(socket.getThisDestination());
        assertThat(socket.getPort()).isZero();
        assertThat(managers.client.listSockets()).containsExactly(socket);
        assertThat(managers.server.listSockets()).containsExactly(other);

        socket.getOutputStream().write(1);
        assertThat(other.getInputStream().read()).isEqualTo(1);
        socket.close();
        assertThat(socket.isClosed()).isTrue();
        assertThat(other.getInputStream().read()).isEqualTo(-1);
        assertThat(managers.client.listSockets()).isEmpty();
        assertThat(managers.server.listSockets()).as("closed by the peer").isEmpty();
    }

    @Test
    void optionsFromPropertiesSetTheTimeouts() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(I2PSocketOptions.PROP_READ_TIMEOUT, "200");
        properties.setProperty(I2PSocketOptions.PROP_CONNECT_TIMEOUT, "5000");
        properties.setProperty("i2p.streaming.somethingElse", "ignored");
        I2PSocketOptions options = managers.client.buildOptions(properties);
        assertThat(options.getReadTimeout()).isEqualTo(200);
        assertThat(options.getConnectTimeout()).isEqualTo(5000);
        options.setPort(80);

        CompletableFuture<I2PSocket> accepted = Async.run(managers.server.getServerSocket()::accept);
        I2PSocket socket = managers.client.connect(managers.serverDestination(), options);
        accepted.get(10, TimeUnit.SECONDS);
        assertThat(socket.getReadTimeout()).isEqualTo(200);
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        socket.setReadTimeout(-1);
        assertThat(socket.getReadTimeout()).isEqualTo(-1);

        properties.setProperty(I2PSocketOptions.PROP_WRITE_TIMEOUT, "soon");
        assertThatThrownBy(() -> managers.client.buildOptions(properties)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(I2PSocketOptions.PROP_WRITE_TIMEOUT);
    }

    @Test
    void acceptTimesOutAndFailsWithConnectExceptionOnceClosed() throws Exception {
        I2PServerSocket serverSocket = managers.server.getServerSocket();
        serverSocket.setSoTimeout(150);
        assertThat(serverSocket.getSoTimeout()).isEqualTo(150);
        assertThatThrownBy(serverSocket::accept).isInstanceOf(SocketTimeoutException.class);

        serverSocket.setSoTimeout(0);
        Async.Running<I2PSocket> blocked = Async.run(serverSocket::accept);
        Blocked.inAccept(blocked.thread());
        serverSocket.close();
        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> managers.client.connect(managers.serverDestination()))
                .as("a closed server socket refuses").isInstanceOf(ConnectException.class);
        assertThat(managers.server.getServerSocket()).as("a new one after a close").isNotSameAs(serverSocket);
    }

    @Test
    void aDestinationKnownByNoneIsAnI2pException() throws Exception {
        net.i2p.data.Destination stranger = org.ministreaming.transport.i2cp.I2pDestinations.fromUri(
                org.ministreaming.transport.i2cp.I2pKeys.generate().destination());
        assertThatThrownBy(() -> managers.client.connect(stranger)).isInstanceOf(net.i2p.I2PException.class)
                .hasMessageContaining("no ministreaming destination");
        assertThat(managers.client.ping(stranger, 100)).isFalse();
    }

    @Test
    void pingAnswersAndTheJavaNetSocketsWork() throws Exception {
        managers.server.getServerSocket();
        assertThat(managers.client.ping(managers.serverDestination(), 5000)).isTrue();
        assertThat(managers.client.ping(managers.serverDestination(), 0, 0, 5000)).isTrue();

        ServerSocket standard = managers.server.getStandardServerSocket();
        CompletableFuture<Socket> accepted = Async.run(standard::accept);
        try (Socket socket = managers.client.connectToSocket(managers.serverDestination(), 5000)) {
            socket.getOutputStream().write(9);
            assertThat(accepted.get(10, TimeUnit.SECONDS).getInputStream().read()).isEqualTo(9);
        }
    }

    @Test
    void whatCannotApplyIsRefusedNamingTheReason() {
        I2PSocketManager manager = managers.client;
        assertThat(manager.getSession().getMyDestination()).isEqualTo(managers.client.addressing()
                .toI2p(managers.client.streamManager().localDestination()));
        assertThat(managers.server.getSession().getMyDestination()).isEqualTo(managers.serverDestination());
        assertThat(manager.getSession().isClosed()).isFalse();
        assertThatThrownBy(() -> manager.getSession().lookupDest("peer.i2p", 100))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("I2PSession.lookupDest");
        assertThatThrownBy(() -> manager.addSubsession(new ByteArrayInputStream(new byte[0]), new Properties()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("subsessions");
        assertThatThrownBy(() -> manager.removeSubsession(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(manager.getSubsessions()).isEmpty();
        assertThatThrownBy(() -> manager.setAcceptTimeout(1)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("StreamOptions.acceptTimeout");
        assertThat(manager.getAcceptTimeout()).isEqualTo(StreamOptions.DEFAULT_ACCEPT_TIMEOUT.toMillis());
        assertThatThrownBy(() -> manager.ping(managers.serverDestination(), 0, 0, 100, new byte[1]))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("streaming");
        assertThatThrownBy(() -> manager.init(null, null, null, null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> manager.getServerSocket().getChannel()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void destroyClosesSocketsAndTellsTheDisconnectListeners() throws Exception {
        AtomicInteger told = new AtomicInteger();
        managers.client.addDisconnectListener(told::incrementAndGet);
        CompletableFuture<I2PSocket> accepted = Async.run(managers.server.getServerSocket()::accept);
        I2PSocket socket = managers.client.connect(managers.serverDestination());
        InputStream peer = accepted.get(10, TimeUnit.SECONDS).getInputStream();

        managers.client.destroySocketManager();
        assertThat(told).hasValue(1);
        assertThat(managers.client.isDestroyed()).isTrue();
        assertThat(managers.client.getSession().isClosed()).isTrue();
        assertThat(socket.isClosed()).isTrue();
        assertThat(peer.read()).isEqualTo(-1);
        managers.client.destroySocketManager();
        assertThat(told).as("told once, however often destroyed").hasValue(1);
        assertThat(Duration.ofMillis(managers.client.getAcceptTimeout())).isPositive();
    }

    @Test
    void aDestroyedManagerStillGivesAServerSocketWhoseAcceptFails() throws Exception {
        I2PServerSocket asked = managers.server.getServerSocket();
        managers.server.destroySocketManager();
        managers.client.destroySocketManager();

        assertThat(managers.server.getServerSocket()).as("I2P: non-null, never throws").isSameAs(asked);
        assertThatThrownBy(asked::accept).isInstanceOf(ConnectException.class);
        I2PServerSocket neverAskedBefore = managers.client.getServerSocket();
        assertThat(neverAskedBefore).isNotNull();
        assertThat(neverAskedBefore.getManager()).isSameAs(managers.client);
        assertThatThrownBy(neverAskedBefore::accept).isInstanceOf(ConnectException.class).hasMessageContaining("destroyed");
        neverAskedBefore.close();
    }

    @Test
    void theStreamsOfAClosedSocketAreRefusedWithAnIoException() throws Exception {
        CompletableFuture<I2PSocket> accepted = Async.run(managers.server.getServerSocket()::accept);
        I2PSocket socket = managers.client.connect(managers.serverDestination());
        I2PSocket peer = accepted.get(10, TimeUnit.SECONDS);
        socket.close();
        assertThatThrownBy(socket::getInputStream).as("I2P: an IOException once closed, since 0.9.9")
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(socket::getOutputStream).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(peer.getInputStream().read()).as("the peer's stream is there, at its end").isEqualTo(-1);

        managers.server.destroySocketManager();
        assertThatThrownBy(peer::getInputStream).isInstanceOf(IOException.class);
    }

    @Test
    void aReadTimeoutOfZeroDoesNotBlockAndMinusOneWaitsForever() throws Exception {
        CompletableFuture<I2PSocket> accepted = Async.run(managers.server.getServerSocket()::accept);
        I2PSocket socket = managers.client.connect(managers.serverDestination());
        I2PSocket peer = accepted.get(10, TimeUnit.SECONDS);
        socket.setReadTimeout(0);
        assertThat(socket.getReadTimeout()).as("as set").isZero();
        assertThat(socket.getOptions().getReadTimeout()).isZero();

        byte[] buffer = new byte[4];
        assertThat(Async.run(() -> socket.getInputStream().read(buffer)).get(10, TimeUnit.SECONDS))
                .as("I2P: 0 for nonblocking, a read with nothing ready returns 0").isZero();
        peer.getOutputStream().write(new byte[] {1, 2});
        Await.until("the two bytes are read", () -> {
            try {
                return socket.getInputStream().read(buffer) == 2;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(buffer).startsWith(1, 2);

        socket.setReadTimeout(-1);
        assertThat(socket.getReadTimeout()).isEqualTo(-1);
        Async.Running<Integer> waiting = Async.run(() -> socket.getInputStream().read());
        Blocked.inRead(waiting.thread());
        peer.getOutputStream().write(3);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void aPingWithoutAPositiveTimeoutOrWithABadPortIsRefusedAsI2pDefinesIt() {
        net.i2p.data.Destination server = managers.serverDestination();
        assertThatThrownBy(() -> managers.client.ping(server, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> managers.client.ping(server, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> managers.client.ping(server, 0, 70000, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> managers.client.ping(server, -1, 0, 1000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPeerThatIsNotThereIsNoRouteAndOneThatRefusesIsAConnectException() throws Exception {
        assertThatThrownBy(() -> managers.client.connect(managers.serverDestination()))
                .as("no server socket: the peer refuses").isExactlyInstanceOf(ConnectionRefusedException.class);
        managers.server.destroySocketManager();
        assertThatThrownBy(() -> managers.client.connect(managers.serverDestination()))
                .as("I2P: NoRouteToHostException if the peer is not found or not reachable")
                .isInstanceOf(NoRouteToHostException.class).hasMessageContaining("no endpoint");
    }
}
