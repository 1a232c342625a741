package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.SocketException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;

/** Each kind of failure reaches the application as the exception type the API documents, with its cause. */
class TypedErrorsTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();
    private static final String PEER_SYN_PAYLOAD = "6D 65 6D 3A 70 65 65 72"; // "mem:peer"

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    private StreamManager manager(Transport transport, StreamOptions.Builder options) throws IOException {
        StreamManager manager = StreamManager.open(transport, options.random(new Random(5)).build());
        toClose.add(manager);
        return manager;
    }

    private StreamSocket[] connect(StreamManager client, StreamManager server) throws Exception {
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Await.LIMIT));
        StreamSocket opened = client.connect(server.localDestination());
        return new StreamSocket[] {opened, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    private static Throwable failureOf(CompletableFuture<?> call) {
        assertThatThrownBy(() -> call.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        return call.handle((value, error) -> error).join();
    }

    @Test
    void aRefusalIsAConnectionRefusedExceptionWhichIsAConnectException() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());

        assertThatThrownBy(() -> alice.connect(bob.localDestination()))
                .isExactlyInstanceOf(ConnectionRefusedException.class)
                .isInstanceOf(ConnectException.class)
                .hasMessage("connection refused by mem:bob");
    }

    @Test
    void aWriteAfterThePeerClosedIsAConnectionResetExceptionOfItsOwnCausedByTheKeptOneWithoutAStackTrace() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());
        StreamSocket[] pair = connect(alice, bob);

        pair[1].close();

        assertThat(pair[0].getInputStream().read()).isEqualTo(-1);
        Throwable thrown = catchThrowable(() -> pair[0].getOutputStream().write(1));
        assertThat(thrown).isExactlyInstanceOf(ConnectionResetException.class).hasMessage("connection closed by peer mem:bob");
        assertThat(thrown.getStackTrace()).as("the writer's own stack trace").isNotEmpty();
        assertThat(thrown.getCause()).isInstanceOf(ConnectionResetException.class).hasMessage(thrown.getMessage());
        assertThat(thrown.getCause().getStackTrace()).as("the kept cause's, which would be filled in at every close").isEmpty();
        assertThat(thrown.getCause().getClass().isAnonymousClass()).as("a cause's class that a stack trace names").isFalse();
    }

    @Test
    void aReadAfterItsOwnCloseIsSocketClosedCausedByANamedKeptOne() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());
        StreamSocket[] pair = connect(alice, bob);

        pair[0].close();

        Throwable thrown = catchThrowable(() -> pair[0].getInputStream().read());
        assertThat(thrown).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThat(thrown.getStackTrace()).as("the reader's own stack trace").isNotEmpty();
        assertThat(thrown.getCause()).isInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThat(thrown.getCause().getClass().isAnonymousClass()).as("a cause's class that a stack trace names").isFalse();
        assertThat(catchThrowable(() -> pair[0].getOutputStream().write(1))).as("a write after it, as the README says")
                .isInstanceOf(SocketException.class).hasMessage("Socket closed");
    }

    @Test
    void aLostPeerIsAPeerLostExceptionThatKeepsTheTransportsException() throws Exception {
        CompletableFuture<IOException> reported = new CompletableFuture<>();
        StreamManager alice = manager(new Watched(network.endpoint("alice"), reported), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());
        StreamSocket[] pair = connect(alice, bob);
        CompletableFuture<Integer> read = Async.run(() -> pair[0].getInputStream().read());

        network.cut(alice.localDestination(), bob.localDestination());

        IOException cause = reported.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Throwable readFailure = failureOf(read);
        assertThat(readFailure).isExactlyInstanceOf(PeerLostException.class)
                .hasMessage("lost the link to mem:bob: " + cause.getMessage());
        assertThat(readFailure.getCause()).isInstanceOf(PeerLostException.class).hasCause(cause);
        assertThatThrownBy(() -> pair[0].getOutputStream().write(1))
                .isExactlyInstanceOf(PeerLostException.class)
                .hasRootCause(cause);
    }

    @Test
    void aConnectWhoseSynTheWayToThePeerFailsUnderIsAPeerLostExceptionAsIfTheLinkWereLostAfterIt() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());
        network.cut(alice.localDestination(), bob.localDestination());

        Throwable thrown = catchThrowable(() -> alice.connect(bob.localDestination()));

        assertThat(thrown).isExactlyInstanceOf(PeerLostException.class)
                .hasMessage("lost the link to mem:bob: link between mem:alice and mem:bob is cut")
                .cause().isExactlyInstanceOf(IOException.class).hasMessage("link between mem:alice and mem:bob is cut");
    }

    @Test
    void aConnectToADestinationTheTransportCannotReachIsTheTransportsConnectException() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());

        assertThatThrownBy(() -> alice.connect(Destination.of("mem:nobody")))
                .isExactlyInstanceOf(ConnectException.class)
                .hasMessage("no endpoint is registered at mem:nobody");
    }

    @Test
    void aConnectOnAClosedManagerIsASocketException() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());
        alice.close();

        assertThatThrownBy(() -> alice.connect(bob.localDestination())).isInstanceOf(SocketException.class);
    }

    @Test
    void aPeerSilentBeyondTheIdleTimeoutIsAPeerLostExceptionWithoutATransportCause() throws Exception {
        StreamManager server = manager(network.endpoint("server"), StreamOptions.builder().idleTimeout(Duration.ofMillis(300)));
        ScriptedPeer peer = new ScriptedPeer(network, "peer");
        toClose.add(peer);
        StreamServerSocket serverSocket = server.serverSocket();
        peer.send(server.localDestination(), "C->S A1 12 34 56 " + PEER_SYN_PAYLOAD);
        StreamSocket socket = serverSocket.accept(Await.LIMIT);

        Throwable readFailure = failureOf(Async.run(() -> socket.getInputStream().read()));

        assertThat(readFailure).isExactlyInstanceOf(PeerLostException.class).hasMessageContaining("more than the idle timeout");
        assertThat(readFailure.getCause()).isInstanceOf(PeerLostException.class).hasNoCause();
    }

    @Test
    void anOverrunIsAReceiveLimitExceptionNamingTheOption() throws Exception {
        StreamManager receiver = manager(network.endpoint("receiver"), StreamOptions.builder().plainReceiveAllowance(4096));
        StreamManager plain = manager(network.endpoint("plain"), StreamOptions.builder().flowControl(false));
        StreamSocket[] pair = connect(plain, receiver);

        pair[0].getOutputStream().write(new byte[8192]);

        Throwable readFailure = failureOf(Async.run(() -> pair[1].getInputStream().read()));
        assertThat(readFailure).isExactlyInstanceOf(ReceiveLimitException.class).hasMessageContaining("plainReceiveAllowance");
        assertThat(readFailure.getCause()).isInstanceOf(ReceiveLimitException.class);
    }

    @Test
    void aReadTimeoutStaysASocketTimeoutException() throws Exception {
        StreamManager alice = manager(network.endpoint("alice"), StreamOptions.builder());
        StreamManager bob = manager(network.endpoint("bob"), StreamOptions.builder());
        StreamSocket[] pair = connect(alice, bob);
        pair[0].setReadTimeout(Duration.ofMillis(50));

        assertThatThrownBy(() -> pair[0].getInputStream().read())
                .isExactlyInstanceOf(SocketTimeoutException.class)
                .hasMessage("Read timed out after 50 ms");
    }

    /** A transport that reports, besides passing it on, the exception its {@code onPeerLost} carried. */
    private static final class Watched extends ForwardingTransport {
        private final CompletableFuture<IOException> lost;

        Watched(Transport inner, CompletableFuture<IOException> lost) {
            super(inner);
            this.lost = lost;
        }

        @Override
        public void start(Receiver receiver) throws IOException {
            inner.start(new Receiver() {
                @Override
                public void onMessage(Destination from, ByteBuffer message) {
                    receiver.onMessage(from, message);
                }

                @Override
                public void onPeerLost(Destination peer, IOException cause) {
                    lost.complete(cause);
                    receiver.onPeerLost(peer, cause);
                }
            });
        }
    }
}
