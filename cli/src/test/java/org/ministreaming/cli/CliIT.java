package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * The command as users run it: the shaded jar in processes of its own, talking over loopback.
 * Runs in Maven's integration-test phase, after the jar is built.
 */
@Timeout(60)
class CliIT {

    private static final int BIG = 5 << 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    /** The exit code of a JVM stopped by SIGTERM, once its shutdown hooks ran. */
    private static final int SIGTERM_EXIT = 143;
    private static final int SIGINT_EXIT = 130;

    @TempDir
    Path dir;

    @Test
    void serverAndClientTunnelAnHttpServer() throws Exception {
        byte[] big = TestData.random(BIG);
        ExecutorService httpThreads = Executors.newFixedThreadPool(8);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        http.setExecutor(httpThreads);
        http.createContext("/hello", exchange -> answer(exchange, ("hello " + exchange.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8)));
        http.createContext("/big", exchange -> answer(exchange, big));
        http.start();
        try (Cli server = Cli.spawn("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:" + http.getAddress().getPort());
             Cli client = Cli.spawn("client", "--peer", server.listeningOnOut(), "--listen", "127.0.0.1:0")) {
            String base = "http://" + client.listeningOnOut();
            HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                responses.add(browser.sendAsync(HttpRequest.newBuilder(URI.create(base + "/hello?" + i)).timeout(REQUEST_TIMEOUT).build(),
                        BodyHandlers.ofString()));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(responses.get(i).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo("hello " + i);
            }
            HttpResponse<InputStream> download = browser.send(HttpRequest.newBuilder(URI.create(base + "/big")).timeout(REQUEST_TIMEOUT).build(),
                    BodyHandlers.ofInputStream());
            try (InputStream body = download.body()) {
                assertThat(sha256(body.readAllBytes())).isEqualTo(sha256(big));
            }

            client.requestStop();
            server.requestStop();
            assertThat(client.awaitExit()).isEqualTo(SIGTERM_EXIT);
            assertThat(server.awaitExit()).isEqualTo(SIGTERM_EXIT);
            assertThat(client.err.text()).isEmpty();
            assertThat(server.err.text()).isEmpty();
        } finally {
            http.stop(0);
            httpThreads.shutdownNow();
        }
    }

    @Test
    void listenAndConnectMoveAFileThroughStandardInputAndOutput() throws Exception {
        Path in = Files.write(dir.resolve("in.bin"), TestData.random(BIG));
        Path out = dir.resolve("out.bin");
        Path empty = Files.createFile(dir.resolve("empty"));
        // listen's own input ends at once: by default that does not end the connection.
        try (Cli listen = Cli.spawn(Redirect.from(empty.toFile()), Redirect.to(out.toFile()), "listen", "--listen", "tcp://127.0.0.1:0");
             Cli connect = Cli.spawn(Redirect.from(in.toFile()), Redirect.PIPE, "connect", listen.listeningOnErr())) {
            assertThat(connect.awaitExit()).as(connect.err.text()).isZero();
            assertThat(listen.awaitExit()).as(listen.err.text()).isZero();
            assertThat(connect.out.text()).isEmpty();
            assertThat(connect.err.text()).isEmpty();
            assertThat(listen.err.text()).matches("listening on tcp://127\\.0\\.0\\.1:\\d+\n");
        }
        assertThat(Files.mismatch(in, out)).as("first byte that differs").isEqualTo(-1);
    }

    @Test
    @ExtendWith(SharedRouter.class)
    void listenAndConnectOverI2pWriteNothingButTheirOwnLines(I2pRouter router) throws Exception {
        Path in = Files.write(dir.resolve("in.bin"), TestData.random(200_000));
        Path out = dir.resolve("out.bin");
        Path empty = Files.createFile(dir.resolve("empty"));
        Path keys = dir.resolve("listen.dat");
        try (Cli listen = Cli.spawn(Redirect.from(empty.toFile()), Redirect.to(out.toFile()),
                I2pArgs.command(router, List.of("listen", "--keys", keys.toString())));
             Cli connect = Cli.spawn(Redirect.from(in.toFile()), Redirect.PIPE,
                     I2pArgs.command(router, List.of("connect"), listen.listeningOnErr()))) {
            assertThat(connect.awaitExit()).as(connect.err.text()).isZero();
            assertThat(listen.awaitExit()).as(listen.err.text()).isZero();
            assertThat(connect.out.text()).isEmpty();
            assertThat(I2pArgs.withoutProgress(connect.err.text())).isEmpty();
            assertThat(I2pArgs.withoutProgress(listen.err.text()))
                    .matches("new I2P keys in \\S+, destination (i2p:\\S+ \\([a-z2-7]{52}\\.b32\\.i2p\\))\n"
                    + "listening on \\1\n");
        }
        assertThat(Files.mismatch(in, out)).as("first byte that differs").isEqualTo(-1);
    }

    @Test
    @Timeout(180)
    void theRouterCommandPrintsAnI2cpAddressThatOpensSessions() throws Exception {
        try (Cli router = Cli.spawn("router", "--port", "0")) {
            HostPort address = HostPort.parse(router.out.await(Pattern.compile("127\\.0\\.0\\.1:\\d+"), Duration.ofSeconds(120)).group(), false);
            I2cpTransportBuilder session = I2cpTransport.builder().router(address.host(), address.port())
                    .openTimeout(Duration.ofSeconds(60));
            // No session options: the private router gives every session zero-hop tunnels.
            try (StreamManager manager = StreamManager.open(session.build())) {
                assertThat(manager.localDestination().scheme()).isEqualTo("i2p");
            }
            router.requestStop();
            assertThat(router.awaitExit()).isEqualTo(SIGTERM_EXIT);
            assertThat(router.out.text()).isEqualTo(address + "\n");
            assertThat(router.err.text()).contains("ministreaming: a private I2P router (no network) runs with I2CP at " + address
                    + "; give the other commands --i2cp " + address + " (it gives their sessions tunnels of zero hops);");
        }
    }

    @Test
    void wrongArgumentsAreOneLineUsageErrors() throws Exception {
        String[][] cases = {
            {"server", "--listen", "tcp://127.0.0.1:0"},
            {"client", "--peer", "mem:server", "--listen", "127.0.0.1:0"},
            {"connect"},
            {"listne", "--listen", "tcp://127.0.0.1:0"},
        };
        for (String[] args : cases) {
            try (Cli run = Cli.spawn(args)) {
                assertThat(run.awaitExit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
                assertThat(run.err.text()).as(String.join(" ", args)).startsWith("ministreaming: ").endsWith("--help')\n").hasLineCount(1);
                assertThat(run.out.text()).isEmpty();
            }
        }
    }

    @Test
    void aPortInUseAndAPeerThatRefuseHaveTheirOwnExitCodes() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cli server = Cli.spawn("server", "--listen", "tcp://127.0.0.1:" + taken.getLocalPort(), "--forward", "127.0.0.1:80");
             Cli client = Cli.spawn("client", "--peer", "tcp://127.0.0.1:80", "--listen", "127.0.0.1:" + taken.getLocalPort())) {
            assertThat(server.awaitExit()).isEqualTo(ExitCodes.CANNOT_LISTEN);
            assertThat(client.awaitExit()).isEqualTo(ExitCodes.CANNOT_LISTEN);
            assertThat(server.err.text()).matches("ministreaming: cannot listen at tcp://127\\.0\\.0\\.1:\\d+: .+\n");
            assertThat(client.err.text()).matches("ministreaming: cannot listen at 127\\.0\\.0\\.1:\\d+: .+\n");
        }
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        try (Cli connect = Cli.spawn(Redirect.PIPE, Redirect.PIPE, "connect", "tcp://127.0.0.1:" + closedPort)) {
            assertThat(connect.awaitExit()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(connect.err.text()).isEqualTo("ministreaming: cannot connect to tcp://127.0.0.1:" + closedPort + ": Connection refused\n");
        }
    }

    @Test
    void keygenWorksFromTheShadedJar() throws Exception {
        Path keys = dir.resolve("keys.dat");
        try (Cli keygen = Cli.spawn("keygen", keys.toString())) {
            assertThat(keygen.awaitExit()).as(keygen.err.text()).isZero();
            assertThat(keygen.out.text()).matches("i2p:[A-Za-z0-9~-]{500,}=*\\n[a-z2-7]{52}\\.b32\\.i2p\\n");
            assertThat(keygen.err.text()).isEmpty();
        }
        assertThat(keys).isNotEmptyFile();
    }

    @Test
    void sigintStopsAServerGracefully() throws Exception {
        try (Cli server = Cli.spawn("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:80")) {
            server.listeningOnOut();
            Assumptions.assumeTrue(sigintHandled(server.pid()), "SIGINT is ignored here (a background job inherits that), or this is no Linux");
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start();
            assertThat(kill.waitFor(Cli.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(server.awaitExit()).isEqualTo(SIGINT_EXIT);
            assertThat(server.err.text()).isEmpty();
        }
    }

    /** Whether the process has not inherited SIGINT as ignored, as Linux's status file tells. */
    private static boolean sigintHandled(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return false;
        }
        return Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("SigIgn:"))
                .map(line -> Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16))
                .anyMatch(ignored -> (ignored & 0x2) == 0);
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        try (exchange) {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
