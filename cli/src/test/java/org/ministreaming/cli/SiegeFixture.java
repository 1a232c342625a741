package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.ministreaming.ConnectionRefusedException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * What the siege tests share: the server tunnel in a child JVM ({@link SiegedServer}) in front of
 * a {@link PingOrStallService}, a legitimate peer served during each attack, the attacks made
 * through ministreaming itself (connections that hold the stalled service, data flooded into it),
 * and everything the test opened closed after it.
 */
abstract class SiegeFixture {

    /** Sockets the child may hold above its baseline once an attack is over. */
    private static final int SOCKET_SLACK = 2;

    final ExecutorService threads = Executors.newCachedThreadPool();
    final PingOrStallService service = new PingOrStallService(threads);
    SiegedServer server;
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** One attack. */
    @FunctionalInterface
    interface Attack {
        void run() throws Exception;
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (server != null) {
            server.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        service.close();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A transport for a peer of the server: a legitimate one, or an attacker speaking the protocol. */
    abstract TcpTransport peerTransport() throws IOException;

    /** Starts the server, serves a first peer and waits until the child has settled after it. */
    void startServer(String heap, String listen, List<String> options, int threadSlack) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts threads and sockets through /proc (Linux)");
        server = SiegedServer.start(heap, listen, service.port(), options, threads, threadSlack, SOCKET_SLACK);
        server.settled();
        assertServes("at the start");
        Await.until("the child settled after the first peer", server::threadsAtBaseline);
    }

    /** Runs one attack and says on stdout what it cost at its peak and how long it took, for the log. */
    void phase(String name, Attack attack) throws Exception {
        long start = System.nanoTime();
        attack.run();
        server.report(name, start);
    }

    /** Closes {@code resource} after the test, if the test did not. */
    <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A new peer, with a link of its own, sends {@code ping} through the tunnel and gets {@code pong}. */
    void assertServes(String when) throws IOException {
        try (StreamManager legitimate = StreamManager.open(peerTransport())) {
            StreamSocket stream = legitimate.connect(server.destination());
            stream.setReadTimeout(Await.LIMIT);
            stream.getOutputStream().write("ping\n".getBytes(US_ASCII));
            assertThat(new String(stream.getInputStream().readNBytes(5), US_ASCII)).as("served " + when).isEqualTo("pong\n");
            stream.close();
        }
    }

    /**
     * Over {@code slowloris}, connected (and over TLS, its handshake done): the hello, then a frame
     * announced at 65,536 bytes whose bytes come one at a time every 300 ms, from a thread of its
     * own (each byte well within any per-read timeout). The server is still served meanwhile, cuts
     * the link by its frame deadline, and gives everything back.
     */
    void aTrickledFrameIsCut(Socket slowloris) throws Exception {
        OutputStream out = slowloris.getOutputStream();
        out.write(SiegedServer.HELLO);
        out.write(new byte[] {0, 1, 0, 0});
        out.flush();
        threads.execute(() -> {
            try {
                while (true) {
                    out.write(0x42);
                    out.flush();
                    TimeUnit.MILLISECONDS.sleep(300); // the attack's pace, not a wait for the test
                }
            } catch (IOException | InterruptedException ended) {
                // the server cut the link, or the test is over
            }
        });
        assertServes("during the slowloris");
        server.notePeak();
        SiegedServer.assertClosedByServer(slowloris);
        server.assertBackToBaseline("the slowloris");
    }

    /**
     * {@code attackers} managers each open {@code each} connections that say {@code stall} and
     * then nothing; the server is still served meanwhile, and gives everything back when they leave.
     */
    void connectionsWithoutDataIntoAStalledService(int attackers, int each) throws Exception {
        List<StreamManager> opened = new ArrayList<>();
        int held = 0;
        for (int i = 0; i < attackers; i++) {
            StreamManager attacker = own(StreamManager.open(peerTransport()));
            opened.add(attacker);
            for (int c = 0; c < each; c++) {
                try {
                    attacker.connect(server.destination()).getOutputStream().write("stall\n".getBytes(US_ASCII));
                    held++;
                } catch (ConnectionRefusedException beyondALimit) {
                    // refused: the server's connection limits
                }
            }
        }
        int expected = held;
        Await.until("the service holds " + expected + " stalled connections", () -> service.stalled() >= expected);
        assertServes("with " + expected + " connections held open");
        server.notePeak();
        for (StreamManager attacker : opened) {
            attacker.close();
        }
        server.assertBackToBaseline(expected + " connections without data");
    }

    /**
     * {@code flooders} managers each open {@code each} connections that say {@code stall} and then
     * write 2 MiB into the stalled service; the server is still served meanwhile, and gives
     * everything back when they leave.
     */
    void dataFloodedIntoAStalledService(int flooders, int each) throws Exception {
        int before = service.stalled();
        List<StreamManager> opened = new ArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        int flooded = flooders * each;
        for (int i = 0; i < flooders; i++) {
            StreamManager attacker = own(StreamManager.open(peerTransport()));
            opened.add(attacker);
            for (int c = 0; c < each; c++) {
                StreamSocket stream = attacker.connect(server.destination());
                threads.execute(() -> flood(stream, unexpected));
            }
        }
        Await.until("the service holds " + flooded + " more stalled connections", () -> service.stalled() >= before + flooded);
        assertServes("while " + flooded + " connections flood the stalled service");
        server.notePeak();
        for (StreamManager attacker : opened) {
            attacker.close();
        }
        server.assertBackToBaseline(flooded + " connections flooded into the stalled service");
        assertThat(unexpected).isEmpty();
    }

    /** Says {@code stall}, then writes until the stream fails (when the attacker leaves). */
    private static void flood(StreamSocket stream, List<Throwable> unexpected) {
        try {
            OutputStream out = stream.getOutputStream();
            out.write("stall\n".getBytes(US_ASCII));
            byte[] chunk = new byte[32 * 1024];
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
        } catch (IOException ended) {
            // the attacker left, or the server closed the connection
        } catch (RuntimeException e) {
            unexpected.add(e);
        }
    }
}
