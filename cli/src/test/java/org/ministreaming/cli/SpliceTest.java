package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * How a splice maps the ends of a TCP connection (which can half-close) onto a ministreaming
 * connection (which cannot): a stream {@code a <-> b} on an in-memory network, spliced at
 * {@code a} to a loopback TCP connection whose far end the test drives, on a {@link TunnelLoop}.
 */
@Timeout(30)
class SpliceTest {

    private final MemoryNetwork network = new MemoryNetwork();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private StreamManager a;
    private StreamManager b;
    private StreamSocket far;
    private Socket tcpFar;
    private final TunnelLoop loop = new TunnelLoop("test");
    private Splice splice;
    private CompletableFuture<Void> running;

    @BeforeEach
    void splice() throws Exception {
        a = StreamManager.open(network.endpoint("a"));
        b = StreamManager.open(network.endpoint("b"));
        StreamServerSocket serverSocket = a.serverSocket();
        Future<StreamSocket> accepted = threads.submit(() -> serverSocket.accept());
        far = b.connect(a.localDestination());
        StreamSocket near = accepted.get(10, TimeUnit.SECONDS);
        try (ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
            tcpFar = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) listening.getLocalAddress()).getPort());
            splice = new Splice(listening.accept(), near, "test");
        }
        running = splice.start(loop);
    }

    @AfterEach
    void close() throws Exception {
        if (splice != null) {
            splice.close();
            tcpFar.close();
        }
        a.close();
        b.close();
        loop.close();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theTcpSideHalfClosingClosesTheStreamAfterItsBytes() throws Exception {
        tcpFar.getOutputStream().write(ascii("request"));
        tcpFar.shutdownOutput();

        assertThat(far.getInputStream().readAllBytes()).isEqualTo(ascii("request"));
        running.get(10, TimeUnit.SECONDS);
        assertThat(tcpFar.getInputStream().read()).as("the TCP side sees the end too").isEqualTo(-1);
    }

    @Test
    void theStreamClosingEndsTheTcpOutputAfterItsBytesAndDrainsTheRest() throws Exception {
        far.getOutputStream().write(ascii("answer"));
        far.close();

        assertThat(tcpFar.getInputStream().readAllBytes()).isEqualTo(ascii("answer"));
        // The TCP side may still send: nobody receives it, and it does not reset the connection.
        tcpFar.getOutputStream().write(new byte[100_000]);
        assertThat(running.isDone()).isFalse();
        tcpFar.close();
        running.get(10, TimeUnit.SECONDS);
    }

    @Test
    void bytesFlowBothWaysWhileBothAreOpen() throws Exception {
        tcpFar.getOutputStream().write(ascii("ping"));
        assertThat(far.getInputStream().readNBytes(4)).isEqualTo(ascii("ping"));
        far.getOutputStream().write(ascii("pong"));
        assertThat(tcpFar.getInputStream().readNBytes(4)).isEqualTo(ascii("pong"));
        assertThat(running.isDone()).isFalse();
    }

    @Test
    void closingTheSpliceEndsBothSidesQuietly() throws Exception {
        splice.close();

        running.get(10, TimeUnit.SECONDS);
        assertThat(far.getInputStream().read()).isEqualTo(-1);
        assertThat(tcpFar.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void aFailingStreamIsReportedAndResetsTheTcpSide() throws Exception {
        a.close();

        assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertReset(tcpFar);
    }

    /** "Connection reset by peer" alone would not say whether the TCP side or the ministreaming peer failed. */
    @Test
    void aResetOfTheTcpSideIsReportedAsTheTcpSides() throws Exception {
        tcpFar.setSoLinger(true, 0);
        tcpFar.close();

        assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IOException.class)
                .hasMessageStartingWith("the TCP side failed: ").hasMessageContaining("reset");
        assertThat(far.getInputStream().read()).as("the stream is closed").isEqualTo(-1);
    }

    /** A peer lost mid-transfer must not look like one that finished: the TCP side gets a reset, not an end of stream. */
    @Test
    void aLostPeerResetsTheTcpSideAfterWhatArrived() throws Exception {
        far.getOutputStream().write(ascii("partial"));
        assertThat(tcpFar.getInputStream().readNBytes(7)).isEqualTo(ascii("partial"));

        network.cut(a.localDestination(), b.localDestination());

        assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertReset(tcpFar);
    }

    private static void assertReset(Socket socket) throws SocketException {
        socket.setSoTimeout(10_000);
        assertThatThrownBy(() -> socket.getInputStream().read()).as("a reset, not an end of stream")
                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
