package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;
import org.ministreaming.wire.TraceFormat;

/** What an application sees through the socket API: timeouts, interrupts, closes. */
@Timeout(60)
class SocketBehaviourTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager alice;
    private StreamManager bob;
    private StreamServerSocket bobServer;

    @BeforeEach
    void start() throws IOException {
        alice = StreamManager.open(network.endpoint("alice"));
        bob = StreamManager.open(network.endpoint("bob"));
        bobServer = bob.serverSocket();
    }

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
    }

    /** A connected pair: alice's end first, bob's second. */
    private StreamSocket[] connect() throws Exception {
        CompletableFuture<StreamSocket> accepted = Async.run(() -> bobServer.accept(Duration.ofSeconds(WAIT_SECONDS)));
        StreamSocket client = alice.connect(bob.localDestination());
        return new StreamSocket[] {client, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    @Test
    void socketsKnowTheirPeerAndRole() throws Exception {
        StreamSocket[] pair = connect();
        assertThat(pair[0].peer()).isEqualTo(bob.localDestination());
        assertThat(pair[0].role()).isEqualTo(Role.CLIENT);
        assertThat(pair[1].peer()).isEqualTo(alice.localDestination());
        assertThat(pair[1].role()).isEqualTo(Role.SERVER);
    }

    @Test
    void readTimeoutThrowsSocketTimeoutExceptionAndTheSocketStaysUsable() throws Exception {
        StreamSocket[] pair = connect();
        pair[0].setReadTimeout(Duration.ofMillis(100));

        assertThatThrownBy(() -> pair[0].getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        pair[1].getOutputStream().write(42);
        assertThat(pair[0].getInputStream().read()).isEqualTo(42);
    }

    @Test
    void interruptedReadThrowsInterruptedIoExceptionAndKeepsTheFlag() throws Exception {
        StreamSocket[] pair = connect();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                pair[0].getInputStream().read();
            } catch (IOException e) {
                failure.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        reader.start();
        Blocked.inRead(reader);

        reader.interrupt();
        reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

        assertThat(reader.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
        assertThat(flagKept.get()).isTrue();
    }

    @Test
    void anInterruptedAcceptThrowsInterruptedIoExceptionAndKeepsTheFlag() throws Exception {
        Blocked.assertInterruptedWhileBlocked(() -> bobServer.accept(), Blocked::inAccept);

        assertThat(bobServer.isClosed()).as("the server socket stays open").isFalse();
        connect();
    }

    @Test
    void anInterruptedConnectThrowsInterruptedIoExceptionAndKeepsTheFlag() throws Exception {
        try (ScriptedPeer quiet = new ScriptedPeer(network, "quiet")) {
            Blocked.assertInterruptedWhileBlocked(() -> alice.connect(quiet.destination()), Blocked::inConnect);

            assertThat(ScriptedPeer.hex(quiet.expect())).startsWith("A1 ");
        }
    }

    @Test
    void closingASocketWakesItsBlockedReader() throws Exception {
        StreamSocket[] pair = connect();
        Async.Running<Integer> read = Async.run(() -> pair[0].getInputStream().read());
        Blocked.inRead(read.thread());

        pair[0].close();

        assertThatThrownBy(() -> read.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SocketException.class);
    }

    @Test
    void remoteCloseLeavesReceivedDataReadableThenEof() throws Exception {
        StreamSocket[] pair = connect();
        pair[1].getOutputStream().write(new byte[] {1, 2, 3});
        pair[1].close();

        assertThat(pair[0].getInputStream().readAllBytes()).containsExactly(1, 2, 3);
        assertThat(pair[0].isClosed()).isTrue();
        assertThatThrownBy(() -> pair[0].getOutputStream().write(4))
                .isInstanceOf(IOException.class).hasMessageContaining("closed by peer");
    }

    @Test
    void writesAfterLocalCloseFail() throws Exception {
        StreamSocket[] pair = connect();
        pair[0].close();
        pair[0].close();

        assertThatThrownBy(() -> pair[0].getOutputStream().write(1)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> pair[0].getInputStream().read()).isInstanceOf(SocketException.class);
    }

    @Test
    void closeDoesNotHangOnAWriterThatTheTransportHoldsUp() throws Exception {
        // A peer that takes nothing: an endpoint never started, whose inbox only fills.
        MemoryTransport stuckPeer = network.endpoint("stuck");
        try {
            stuckPeer.send(bob.localDestination(), ByteBuffer.wrap(TraceFormat.parseBytes("C->S A1 12 34 56 6D 65 6D 3A 73")));
            StreamSocket accepted = bobServer.accept(Duration.ofSeconds(WAIT_SECONDS));
            CompletableFuture<Void> write = Async.run(() -> {
                accepted.getOutputStream().write(new byte[4 * (int) MemoryNetwork.DEFAULT_INBOX_BYTES]);
                return null;
            });
            // The peer's inbox holds the ACK and 255 full data messages, as much as fits in its bound.
            Await.until("the writer fills the stuck peer's inbox", () -> bob.statistics().get(Counter.MESSAGES_SENT) >= 255);

            CompletableFuture<Void> close = Async.run(() -> {
                accepted.close();
                return null;
            });

            close.get(WAIT_SECONDS, TimeUnit.SECONDS);
            stuckPeer.start(new RecordingReceiver()); // the peer takes its inbox at last: the writer stops at its next message
            assertThatThrownBy(() -> write.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class);
        } finally {
            stuckPeer.close();
        }
    }

    @Test
    void theWriteTimeoutBoundsTheWaitForCreditNotAWriteTheTransportHoldsUpWhichClosingTheManagerFails() throws Exception {
        // A peer that takes nothing: an endpoint never started, whose inbox only fills.
        MemoryTransport stuckPeer = network.endpoint("stuck");
        try {
            // A plain peer (no credit): only the transport can hold a write up.
            stuckPeer.send(bob.localDestination(), ByteBuffer.wrap(TraceFormat.parseBytes("C->S A1 12 34 56 6D 65 6D 3A 73")));
            StreamSocket accepted = bobServer.accept(Duration.ofSeconds(WAIT_SECONDS));
            Duration timeout = Duration.ofMillis(50);
            accepted.setWriteTimeout(timeout);
            Async.Running<Void> write = Async.run(() -> {
                accepted.getOutputStream().write(new byte[4 * (int) MemoryNetwork.DEFAULT_INBOX_BYTES]);
                return null;
            });
            Await.parkedIn(write.thread(), "org.ministreaming.transport.memory.Inbox", "put");
            long parkedAt = System.nanoTime();

            Await.until("four write timeouts pass", () -> System.nanoTime() - parkedAt > 4 * timeout.toNanos());

            assertThat(write).as("the write timeout does not cut short a wait in the transport").isNotDone();
            bob.close();
            assertThat(write).as("closing the manager fails the write while the peer still holds it up")
                    .failsWithin(Await.LIMIT).withThrowableThat().havingCause().isInstanceOf(IOException.class);
        } finally {
            stuckPeer.close();
        }
    }

    @Test
    void connectingToAManagerWithoutServerSocketIsRefused() throws Exception {
        StreamManager carol = StreamManager.open(network.endpoint("carol"));
        try {
            assertThatThrownBy(() -> alice.connect(carol.localDestination()))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("refused");
        } finally {
            carol.close();
        }
    }

    @Test
    void connectingToANameNobodyHasFailsAtOnce() {
        assertThatThrownBy(() -> alice.connect("mem:nobody"))
                .isInstanceOf(ConnectException.class).hasMessageContaining("mem:nobody");
    }

    @Test
    void closingTheServerSocketFailsABlockedAccept() throws Exception {
        Async.Running<StreamSocket> accept = Async.run(() -> bobServer.accept());
        Blocked.inAccept(accept.thread());

        bobServer.close();

        assertThatThrownBy(() -> accept.get(WAIT_SECONDS, TimeUnit.SECONDS)).cause()
                .isInstanceOf(SocketException.class).as("as java.net says it").hasMessage("Socket closed");
        assertThat(bob.serverSocket().isClosed()).isFalse();
    }

    @Test
    void cutLinkFailsBlockedReadsAndLeavesOtherPeersUsable() throws Exception {
        StreamSocket[] pair = connect();
        Async.Running<Integer> read = Async.run(() -> pair[0].getInputStream().read());
        Blocked.inRead(read.thread());

        network.cut(alice.localDestination(), bob.localDestination());

        assertThatThrownBy(() -> read.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("lost the link");
        assertThatThrownBy(() -> pair[1].getOutputStream().write(1)).isInstanceOf(IOException.class);
        assertThat(alice.statistics().get(Counter.PEERS_LOST)).as("the manager counts the lost peer").isPositive();
        try (StreamManager carol = StreamManager.open(network.endpoint("carol"))) {
            CompletableFuture<StreamSocket> accepted = Async.run(() -> bobServer.accept(Duration.ofSeconds(WAIT_SECONDS)));
            StreamSocket fromCarol = carol.connect(bob.localDestination());
            fromCarol.getOutputStream().write(7);
            assertThat(accepted.get(WAIT_SECONDS, TimeUnit.SECONDS).getInputStream().read()).isEqualTo(7);
        }
    }

    @Test
    void closingTheManagerClosesEverythingAndLeavesNoThread() throws Exception {
        StreamSocket[] pair = connect();
        Async.Running<Integer> blockedRead = Async.run(() -> pair[1].getInputStream().read());
        Async.Running<StreamSocket> blockedAccept = Async.run(() -> bobServer.accept());
        Blocked.inRead(blockedRead.thread());
        Blocked.inAccept(blockedAccept.thread());

        bob.close();

        assertThat(pair[0].getInputStream().read()).as("alice hears bob's close").isEqualTo(-1);
        assertThatThrownBy(() -> blockedRead.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> blockedAccept.get(WAIT_SECONDS, TimeUnit.SECONDS)).cause()
                .isInstanceOf(SocketException.class).hasMessage("the manager was closed");
        assertThatThrownBy(() -> bob.connect(alice.localDestination())).isInstanceOf(SocketException.class);
        alice.close();
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void closingTheManagerFailsAPendingConnect() throws Exception {
        StreamManager silent = StreamManager.open(network.endpoint("silent"));
        try (ScriptedPeer quiet = new ScriptedPeer(network, "quiet")) {
            Async.Running<StreamSocket> connect = Async.run(() -> silent.connect(quiet.destination()));
            quiet.expect();
            Blocked.inConnect(connect.thread());

            silent.close();

            assertThatThrownBy(() -> connect.get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IOException.class).hasMessageContaining("closed");
        }
    }
}
