package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.ConnectionRefusedException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * The server tunnel under siege: a child JVM runs {@code ministreaming server} in front of a
 * service that answers {@code ping} and never reads from a connection that says {@code stall}.
 * One attack after another (idle links, a trickled frame, connections without data into the
 * stalled service, data flooded into it), each ended by the attacker leaving; during each a new
 * legitimate peer is served, and after it the child's threads and sockets are back near their
 * baseline (Linux: read from /proc). By default at a scale that fits CI (a 64 MiB heap, short
 * deadlines); {@code -Dsiege.scale=full} runs the numbers with every default option and a
 * 256 MiB heap, and prints peak threads and RSS per attack (docs/robustness.md).
 */
@Timeout(600)
class SiegeTest {

    /** The numbers of one run. */
    private record Scale(String heap, List<String> options, int idleLinks, int idleAddresses, int attackers,
            int connectionsEach, int flooders, int floodedEach, int threadSlack) {

        static final Scale CI = new Scale("-Xmx64m",
                List.of("--max-links-per-address", "40", "--frame-timeout", "2", "--link-idle-timeout", "3"), 120, 1, 4, 50, 2, 20, 6);
        static final Scale FULL = new Scale("-Xmx256m", List.of(), 10_000, 200, 4, 1_000, 5, 100, 100);

        static Scale chosen() {
            return "full".equals(System.getProperty("siege.scale")) ? FULL : CI;
        }

        /** Whether the idle links are closed by the server's deadline soon enough to wait for it. */
        boolean shortDeadlines() {
            return !options.isEmpty();
        }
    }

    /** Sockets the child may hold above its baseline once an attack is over. */
    private static final int SOCKET_SLACK = 2;

    private final Scale scale = Scale.chosen();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final StalledService service = new StalledService();
    private Process child;
    private Destination server;
    private int baseThreads;
    private int baseSockets;
    private int peakThreads;
    private long peakRssKib;

    @AfterEach
    void stopEverything() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        service.close();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theServerSurvivesEachAttackServesALegitimatePeerAndGivesEverythingBack() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts threads and sockets through /proc (Linux)");
        startServer();
        assertServes("at the start");
        Await.until("the child settled after the first peer", () -> threads() <= baseThreads + scale.threadSlack());

        phase("idle links", this::idleLinksFromOneAddressAreBoundedAndClosed);
        phase("slowloris", this::aTrickledFrameIsCut);
        phase("connections without data", this::connectionsWithoutDataIntoAStalledServiceAreGivenBackWhenTheAttackerLeaves);
        phase("flood into a stalled service", this::dataFloodedIntoAStalledServiceIsGivenBackWhenTheAttackerLeaves);

        assertServes("at the end");
        assertThat(child.isAlive()).as("the server is still running").isTrue();
    }

    /** One attack. */
    @FunctionalInterface
    private interface Attack {
        void run() throws Exception;
    }

    /** Runs one attack and says on stdout what it cost at its peak and how long it took, for the log. */
    private void phase(String name, Attack attack) throws Exception {
        long start = System.nanoTime();
        attack.run();
        System.out.printf("siege: %s: peak %d threads, %d MiB RSS (baseline %d threads); over and given back in %.1f s%n",
                name, peakThreads, peakRssKib / 1024, baseThreads, (System.nanoTime() - start) / 1e9);
        peakThreads = 0;
        peakRssKib = 0;
    }

    private void idleLinksFromOneAddressAreBoundedAndClosed() throws Exception {
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < scale.idleLinks(); i++) {
            Socket socket = own(new Socket());
            socket.bind(new InetSocketAddress("127.0.1." + (1 + i % scale.idleAddresses()), 0));
            socket.connect(address(server), 10_000);
            try {
                socket.getOutputStream().write(frame("MINISTREAMING/1 -".getBytes(US_ASCII)));
            } catch (IOException refused) {
                // closed already: beyond a bound
            }
            idle.add(socket);
        }
        assertServes("during the idle-link flood");
        notePeak();
        if (scale.shortDeadlines()) {
            for (Socket socket : idle) {
                assertClosedByServer(socket);
            }
        }
        for (Socket socket : idle) {
            socket.close();
        }
        assertBackToBaseline("the idle links");
    }

    private void aTrickledFrameIsCut() throws Exception {
        Socket slowloris = own(new Socket());
        slowloris.bind(new InetSocketAddress("127.0.0.3", 0));
        slowloris.connect(address(server), 10_000);
        OutputStream out = slowloris.getOutputStream();
        out.write(frame("MINISTREAMING/1 -".getBytes(US_ASCII)));
        out.write(new byte[] {0, 1, 0, 0});
        threads.execute(() -> {
            try {
                while (true) {
                    out.write(0x42);
                    TimeUnit.MILLISECONDS.sleep(300); // the attack: one byte well within any per-read timeout
                }
            } catch (IOException | InterruptedException ended) {
                // the server cut the link, or the test is over
            }
        });
        assertServes("during the slowloris");
        notePeak();
        assertClosedByServer(slowloris);
        assertBackToBaseline("the slowloris");
    }

    private void connectionsWithoutDataIntoAStalledServiceAreGivenBackWhenTheAttackerLeaves() throws Exception {
        List<StreamManager> attackers = new ArrayList<>();
        int held = 0;
        for (int i = 0; i < scale.attackers(); i++) {
            StreamManager attacker = own(StreamManager.open(TcpTransport.plain().build()));
            attackers.add(attacker);
            for (int c = 0; c < scale.connectionsEach(); c++) {
                try {
                    attacker.connect(server).getOutputStream().write("stall\n".getBytes(US_ASCII));
                    held++;
                } catch (ConnectionRefusedException beyondALimit) {
                    // refused: the server's connection limits
                }
            }
        }
        int expected = held;
        Await.until("the service holds " + expected + " stalled connections", () -> service.stalled() >= expected);
        assertServes("with " + expected + " connections held open");
        notePeak();
        for (StreamManager attacker : attackers) {
            attacker.close();
        }
        assertBackToBaseline(expected + " connections without data");
    }

    private void dataFloodedIntoAStalledServiceIsGivenBackWhenTheAttackerLeaves() throws Exception {
        int before = service.stalled();
        List<StreamManager> attackers = new ArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        int flooded = scale.flooders() * scale.floodedEach();
        for (int i = 0; i < scale.flooders(); i++) {
            StreamManager attacker = own(StreamManager.open(TcpTransport.plain().build()));
            attackers.add(attacker);
            for (int c = 0; c < scale.floodedEach(); c++) {
                StreamSocket stream = attacker.connect(server);
                threads.execute(() -> flood(stream, unexpected));
            }
        }
        Await.until("the service holds " + flooded + " more stalled connections", () -> service.stalled() >= before + flooded);
        assertServes("while " + flooded + " connections flood the stalled service");
        notePeak();
        for (StreamManager attacker : attackers) {
            attacker.close();
        }
        assertBackToBaseline(flooded + " connections flooded into the stalled service");
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

    // ---------------------------------------------------------------- the child and its counts

    private void startServer() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), scale.heap(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:" + service.port()));
        command.addAll(scale.options());
        child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Lines output = new Lines();
        threads.execute(() -> {
            try (Reader reader = new InputStreamReader(child.getInputStream(), US_ASCII)) {
                reader.transferTo(output);
            } catch (IOException ended) {
                // the child is gone
            }
        });
        Matcher listening = output.await(Pattern.compile("listening on (tcp://127\\.0\\.0\\.1:\\d+)"), Duration.ofSeconds(60));
        server = Destination.of(listening.group(1));
        baseThreads = threads();
        baseSockets = sockets();
    }

    private void assertBackToBaseline(String after) {
        Await.until(() -> "the child's threads back near " + baseThreads + " after " + after + ", now " + threads(),
                () -> threads() <= baseThreads + scale.threadSlack());
        Await.until(() -> "the child's sockets back near " + baseSockets + " after " + after + ", now " + sockets(),
                () -> sockets() <= baseSockets + SOCKET_SLACK);
    }

    private int threads() {
        return (int) status("Threads:");
    }

    /** Notes the child's threads and RSS now, at an attack's peak. */
    private void notePeak() {
        peakThreads = Math.max(peakThreads, threads());
        peakRssKib = Math.max(peakRssKib, status("VmRSS:"));
    }

    /** A number from the child's /proc status, such as {@code Threads:} or {@code VmRSS:} (KiB). */
    private long status(String field) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(child.pid()), "status")).stream()
                    .filter(line -> line.startsWith(field))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new AssertionError("the child is gone: " + e);
        }
    }

    private int sockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(child.pid()), "fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new AssertionError("the child is gone: " + e);
        }
    }

    // ---------------------------------------------------------------- peers

    /** A new peer, with a link of its own, sends {@code ping} through the tunnel and gets {@code pong}. */
    private void assertServes(String when) throws IOException {
        try (StreamManager legitimate = StreamManager.open(TcpTransport.plain().build())) {
            StreamSocket stream = legitimate.connect(server);
            stream.setReadTimeout(Await.LIMIT);
            stream.getOutputStream().write("ping\n".getBytes(US_ASCII));
            assertThat(new String(stream.getInputStream().readNBytes(5), US_ASCII)).as("served " + when).isEqualTo("pong\n");
            stream.close();
        }
    }

    private static void assertClosedByServer(Socket socket) throws IOException {
        socket.setSoTimeout((int) Await.LIMIT.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the server's hello
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close " + socket + " within " + Await.LIMIT.toSeconds() + " s");
        } catch (IOException reset) {
            // a reset closes it as well
        }
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static InetSocketAddress address(Destination destination) {
        java.net.URI uri = java.net.URI.create(destination.uri());
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    /** The service behind the tunnel: answers {@code ping} with {@code pong}; after {@code stall} never reads again. */
    private final class StalledService implements AutoCloseable {
        private final ServerSocket listening;
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        StalledService() {
            try {
                listening = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            threads.execute(this::acceptAll);
        }

        int port() {
            return listening.getLocalPort();
        }

        int stalled() {
            return held.size();
        }

        private void acceptAll() {
            try {
                while (true) {
                    Socket accepted = listening.accept();
                    threads.execute(() -> serve(accepted));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket socket) {
            try {
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = socket.getInputStream().read()) >= 0 && b != '\n') {
                    line.append((char) b);
                }
                if (line.toString().equals("stall")) {
                    held.add(socket); // never read again
                    return;
                }
                socket.getOutputStream().write("pong\n".getBytes(US_ASCII));
                socket.close();
            } catch (IOException e) {
                // the tunnel closed it
            }
        }

        @Override
        public void close() throws IOException {
            listening.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
