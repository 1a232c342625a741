package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * A tunnelled connection whose TCP service stops reading, or whose peer does: after the stall
 * timeout (the write timeout for the peer) both sides are closed, the peer learns it, and the
 * tunnel's threads end.
 */
@Timeout(60)
class StalledServiceTest {

    @Test
    void aServiceThatStopsReadingHasBothSidesClosedAfterTheStallTimeout() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        List<String> errors = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (StreamManager tunnel = StreamManager.open(network.endpoint("tunnel"));
             StreamManager peer = StreamManager.open(network.endpoint("peer"));
             ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Sessions sessions = new Sessions("test", errors::add, Duration.ofSeconds(1), 16)) {
            StreamServerSocket serverSocket = tunnel.serverSocket();
            Future<StreamSocket> accepted = threads.submit(() -> serverSocket.accept());
            StreamSocket far = peer.connect(tunnel.localDestination());
            SocketChannel tcp = SocketChannel.open(new InetSocketAddress(service.getInetAddress(), service.getLocalPort()));
            try (Socket stalled = service.accept()) {
                sessions.start(new Splice(tcp, accepted.get(10, TimeUnit.SECONDS), "connection from test"), splice -> { });

                CompletableFuture<Void> flooding = CompletableFuture.runAsync(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (true) {
                            far.getOutputStream().write(chunk); // ends when the tunnel closes the stream
                        }
                    } catch (IOException closed) {
                        // expected
                    }
                }, threads);

                flooding.get(30, TimeUnit.SECONDS);
                Await.until("the tunnel's connection ended", () -> sessions.open() == 0);
                assertThat(errors).singleElement().asString()
                        .startsWith("connection from test: the TCP side took no bytes for 1 s (--stall-timeout)");
                assertThat(drainedToEnd(stalled)).as("the service's side was closed too").isTrue();
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aStalledServiceWhosePeerLeftIsClosedAfterTheOrphanStallLongBeforeTheStallTimeout() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        List<String> errors = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (StreamManager tunnel = StreamManager.open(network.endpoint("tunnel"));
             StreamManager peer = StreamManager.open(network.endpoint("peer"));
             ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Sessions sessions = new Sessions("test", errors::add, Duration.ofMinutes(10), 16)) {
            StreamServerSocket serverSocket = tunnel.serverSocket();
            Future<StreamSocket> accepted = threads.submit(() -> serverSocket.accept());
            StreamSocket far = peer.connect(tunnel.localDestination());
            SocketChannel tcp = SocketChannel.open(new InetSocketAddress(service.getInetAddress(), service.getLocalPort()));
            try (Socket stalled = service.accept()) {
                Splice splice = new Splice(tcp, accepted.get(10, TimeUnit.SECONDS), "connection from test");
                sessions.start(splice, s -> { });
                Future<?> flooding = threads.submit(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (true) {
                            far.getOutputStream().write(chunk); // blocks once the tunnel's TCP write blocks
                        }
                    } catch (IOException closed) {
                        // the peer left
                    }
                });
                Await.until("the tunnel's write to the service has been blocked for 1 s",
                        () -> splice.tcpStalledNanos(System.nanoTime()) > TimeUnit.SECONDS.toNanos(1));

                network.cut(tunnel.localDestination(), peer.localDestination()); // the peer leaves
                flooding.get(30, TimeUnit.SECONDS);
                Await.until("the tunnel's connection ended", () -> sessions.open() == 0);
                assertThat(errors).singleElement().asString()
                        .startsWith("connection from test: the peer is gone and the TCP side took no bytes for 5 s");
                assertThat(drainedToEnd(stalled)).as("the service's side was closed too").isTrue();
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aPeerThatStopsReadingHasBothSidesClosedAfterTheWriteTimeout() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        List<String> errors = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        StreamOptions tunnelOptions = StreamOptions.builder().writeTimeout(Duration.ofSeconds(1)).build();
        StreamOptions smallWindow = StreamOptions.builder().receiveBufferSize(8192).maxReceiveWindow(8192).build();
        try (StreamManager tunnel = StreamManager.open(network.endpoint("tunnel"), tunnelOptions);
             StreamManager peer = StreamManager.open(network.endpoint("peer"), smallWindow);
             ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Sessions sessions = new Sessions("test", errors::add, Duration.ofSeconds(1), 16)) {
            StreamServerSocket serverSocket = tunnel.serverSocket();
            Future<StreamSocket> accepted = threads.submit(() -> serverSocket.accept());
            StreamSocket far = peer.connect(tunnel.localDestination()); // never read
            SocketChannel tcp = SocketChannel.open(new InetSocketAddress(service.getInetAddress(), service.getLocalPort()));
            try (Socket flooding = service.accept()) {
                sessions.start(new Splice(tcp, accepted.get(10, TimeUnit.SECONDS), "connection from test"), splice -> { });
                Future<?> flood = threads.submit(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (true) {
                            flooding.getOutputStream().write(chunk); // ends when the tunnel closes the TCP side
                        }
                    } catch (IOException closed) {
                        // expected
                    }
                });

                flood.get(30, TimeUnit.SECONDS);
                Await.until("the tunnel's connection ended", () -> sessions.open() == 0);
                assertThat(errors).singleElement().asString()
                        .startsWith("connection from test: Write timed out after 1000 ms: ").endsWith("granted no credit, its reader is not keeping up");
                Await.until("the peer learnt that the stream was closed", far::isClosed);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void connectionsBeyondTheBoundAreClosedAtOnceAndReportedOnce() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (ServerSocket service = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Sessions sessions = new Sessions("test", errors::add, Duration.ZERO, 1)) {
            InetSocketAddress address = new InetSocketAddress(service.getInetAddress(), service.getLocalPort());
            SocketChannel first = SocketChannel.open(address);
            java.util.concurrent.CountDownLatch opening = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            sessions.start(new Splice(first, null, "first"), s -> {
                opening.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // holds its place until the test is done
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("released");
            });
            assertThat(opening.await(30, TimeUnit.SECONDS)).isTrue();
            SocketChannel second = SocketChannel.open(address);
            SocketChannel third = SocketChannel.open(address);
            sessions.start(new Splice(second, null, "second"), s -> { });
            sessions.start(new Splice(third, null, "third"), s -> { });

            assertThat(second.isOpen()).isFalse();
            assertThat(third.isOpen()).isFalse();
            assertThat(sessions.refused()).isEqualTo(2);
            assertThat(sessions.open()).isEqualTo(1);
            assertThat(errors).singleElement().asString().isEqualTo("second: refused, 1 connections are open (--max-connections);"
                    + " reported once until one is admitted again");
            release.countDown();
            Await.until("the first connection ended", () -> sessions.open() == 0);
        }
    }

    /** A link lost under many connections, or a service down, makes many fail at once: a line each would be a flood. */
    @Test
    void connectionsThatFailTheSameWayAreEachToldOrCountedOnce() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        int connections = 20;
        try (ServerSocket service = new ServerSocket(0, connections, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(service.getInetAddress(), service.getLocalPort());
            try (Sessions sessions = new Sessions("test", errors::add, Duration.ZERO, connections)) {
                for (int i = 0; i < connections; i++) {
                    sessions.start(new Splice(SocketChannel.open(address), null, "connection " + i), s -> {
                        throw new IOException("cannot reach the peer: Connection refused");
                    });
                }
                Await.until("every connection ended", () -> sessions.open() == 0);
            }
        }

        int told = 0;
        for (String line : errors) {
            assertThat(line).endsWith(": cannot reach the peer: Connection refused");
            Matcher count = Pattern.compile("^(\\d+) more connections? failed the same way").matcher(line);
            told += count.find() ? Integer.parseInt(count.group(1)) : 1;
        }
        assertThat(told).as("every failure is told or counted, once").isEqualTo(connections);
        assertThat(errors.get(0)).matches("connection \\d+: cannot reach the peer: Connection refused");
    }

    @Test
    void theStallTimeoutIsAlsoTheStreamsWriteTimeoutAndNegativeIsAUsageError() throws Exception {
        StallTimeout given = new StallTimeout();
        picocli.CommandLine line = new picocli.CommandLine(new Holder(given));
        line.parseArgs("--stall-timeout", "7");
        assertThat(given.applyTo(StreamOptions.builder()).build().writeTimeout()).isEqualTo(Duration.ofSeconds(7));

        Run negative = Run.of("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:80", "--stall-timeout", "-1");
        assertThat(negative.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(negative.err()).contains("--stall-timeout must be 0 or more seconds: -1");
    }

    /** Reads what the tunnel wrote until the end; true if the end came (closed or reset) within 10 s. */
    private static boolean drainedToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // what the tunnel wrote before it closed
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @picocli.CommandLine.Command(name = "holder")
    private static final class Holder {
        @picocli.CommandLine.Mixin
        private final StallTimeout stall;

        Holder(StallTimeout stall) {
            this.stall = stall;
        }
    }
}
