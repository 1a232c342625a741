package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.ministreaming.TestThreads;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.LogCapture;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * Transports, raw sockets and threads for the TCP tests, all closed or stopped after each test,
 * which then checks that no {@code ministreaming-tcp} thread is left. Also records what the
 * {@link Link} logger says.
 */
abstract class TcpFixture {

    static final long WAIT_SECONDS = Await.LIMIT.toSeconds();
    static final String LOOPBACK = "tcp://127.0.0.1:0";
    static final String LOOPBACK_TLS = "tls://127.0.0.1:0";

    final List<AutoCloseable> resources = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    private LogCapture linkLogCapture;
    List<LogRecord> linkLog;

    @BeforeEach
    final void recordLinkLog() {
        linkLogCapture = LogCapture.of(Link.class.getName());
        linkLog = linkLogCapture.records();
    }

    @AfterEach
    final void stopEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        linkLogCapture.close();
        ThreadLeaks.assertNoneLeft(TCP_THREADS);
    }

    /** The prefix of every TCP transport's threads' names. */
    static final String TCP_THREADS = "ministreaming-tcp";

    /** Keeps {@code resource} to close after the test. */
    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A started plain transport listening on a loopback ephemeral port. */
    TcpTransport listening(Transport.Receiver receiver) throws IOException {
        return started(TcpTransport.plain().listen(LOOPBACK), receiver);
    }

    /** A started plain transport that does not listen. */
    TcpTransport client(Transport.Receiver receiver) throws IOException {
        return started(TcpTransport.plain(), receiver);
    }

    TcpTransport started(TcpTransportBuilder builder, Transport.Receiver receiver) throws IOException {
        TcpTransport transport = closeLater(builder.build());
        transport.start(receiver);
        return transport;
    }

    /** Starts a thread that the fixture stops after the test. */
    Thread start(String name, Runnable body) {
        return TestThreads.start(threads, name, body);
    }

    static ByteBuffer text(String text) {
        return TestThreads.text(text);
    }

    /** Link log records at {@code level} or above whose message contains {@code fragment}. */
    List<LogRecord> logged(java.util.logging.Level level, String fragment) {
        return linkLog.stream()
                .filter(r -> r.getLevel().intValue() >= level.intValue() && r.getMessage().contains(fragment))
                .collect(Collectors.toList());
    }

    /** A socket driven by hand, speaking (or abusing) the link framing. */
    final class RawPeer implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        RawPeer(Socket socket) throws IOException {
            this.socket = closeLater(socket);
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** The name a transport gives this socket's link when it is known by its address. */
        Destination anonymousName() {
            return Destination.of("tcp://-@127.0.0.1:" + socket.getLocalPort());
        }

        RawPeer hello(String destination) throws IOException {
            return frame(("MINISTREAMING/1 " + destination).getBytes(US_ASCII));
        }

        RawPeer frame(byte[] payload) throws IOException {
            ByteBuffer frame = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload);
            return raw(frame.array());
        }

        RawPeer raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        byte[] readFrame() throws IOException {
            int length = in.readInt();
            assertThat(length).isBetween(1, Frames.MAX_LENGTH);
            byte[] payload = new byte[length];
            in.readFully(payload);
            return payload;
        }

        String readText() throws IOException {
            return new String(readFrame(), UTF_8);
        }

        /** Reads until the transport ends the link: end of stream or a reset, within the wait. */
        void assertClosedByPeer() {
            try {
                byte[] buffer = new byte[8192];
                while (in.read(buffer) >= 0) {
                    // discard whatever the transport had sent before it ended the link
                }
            } catch (java.net.SocketTimeoutException e) {
                fail("the transport did not end the link within " + WAIT_SECONDS + " s");
            } catch (IOException reset) {
                // a reset ends the link as well as an end of stream does
            }
        }

        /** Resets the connection (RST), as a crashed peer would. */
        void kill() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    RawPeer rawConnect(Destination to) throws IOException {
        return rawConnect(to, 0);
    }

    /**
     * A raw peer of {@code to} whose socket has a receive buffer of {@code receiveBufferBytes}
     * (set before the connect, so that the window it offers stays that small), or the system's
     * default for 0: a peer that reads little keeps the link full.
     */
    RawPeer rawConnect(Destination to, int receiveBufferBytes) throws IOException {
        java.net.URI uri = java.net.URI.create(to.uri());
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return new RawPeer(socket);
    }

    /** A loopback listening socket for transports to dial, closed after the test. */
    ServerSocket rawServer() throws IOException {
        ServerSocket server = closeLater(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
        server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return server;
    }

    static Destination destinationOf(ServerSocket server) {
        return Destination.of("tcp://127.0.0.1:" + server.getLocalPort());
    }

    static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    /** A client transport that pins {@code server}'s certificate. */
    static TcpTransportBuilder pinnedTo(TcpTransport server) {
        return TcpTransport.tls().pin(server.certificateFingerprint().orElseThrow());
    }

    /** A raw TLS 1.3 peer of {@code server}, its handshake done, over a plain socket the test keeps too. */
    RawPeer tlsPeer(TcpTransport server) throws Exception {
        URI uri = URI.create(server.localDestination().uri());
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {
            new PinnedTrustManager(Set.of(Fingerprints.canonical(server.certificateFingerprint().orElseThrow())))}, null);
        Socket raw = closeLater(new Socket());
        raw.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, uri.getHost(), uri.getPort(), true);
        socket.startHandshake();
        underlying.put(socket, raw);
        return new RawPeer(socket);
    }

    private final Map<Socket, Socket> underlying = new ConcurrentHashMap<>();

    /** The plain socket under a {@link #tlsPeer}, to write around TLS. */
    Socket underlying(RawPeer peer) {
        return underlying.get(peer.socket);
    }
}
