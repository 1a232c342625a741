package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * The two tunnels end to end over a real I2P router, in-process: an HTTP client reaches a JDK
 * HTTP server through {@code client --i2cp} and {@code server --i2cp}, the server with a key
 * file it creates.
 */
@ExtendWith(SharedRouter.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class I2pTunnelTest {

    private static final int BLOCK = 1 << 20;
    private static final int BLOCKS = 6;
    private static final long BIG = (long) BLOCK * BLOCKS;
    private static final int REQUESTS = 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final byte[] block = new byte[BLOCK];
    private byte[] bigHash;
    private ExecutorService httpThreads;
    private HttpServer http;
    private Running server;
    private Running client;
    private HttpClient browser;
    private String base;
    private Path keys;

    @BeforeAll
    void startTunnels(I2pRouter router, @TempDir Path dir) throws Exception {
        new SplittableRandom(42).nextBytes(block);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < BLOCKS; i++) {
            sha.update(block);
        }
        bigHash = sha.digest();

        httpThreads = Executors.newFixedThreadPool(8);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        http.setExecutor(httpThreads);
        http.createContext("/echo", this::echo);
        http.createContext("/big", this::big);
        http.start();

        keys = dir.resolve("server.dat");
        server = Running.start(I2pArgs.command(router, List.of("server", "--keys", keys.toString()),
                "--forward", "127.0.0.1:" + http.getAddress().getPort()));
        String destination = server.listeningOnOut();
        client = Running.start(I2pArgs.command(router, List.of("client"), "--peer", destination, "--listen", "127.0.0.1:0"));
        base = "http://" + client.listeningOnOut();
        browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
    }

    @AfterAll
    void stopTunnels() throws Exception {
        try {
            if (client != null) {
                assertThat(client.stop()).isEqualTo(ExitCodes.OK);
            }
            if (server != null) {
                assertThat(server.stop()).isEqualTo(ExitCodes.OK);
            }
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                if (server != null) {
                    server.close();
                }
                http.stop(0);
                httpThreads.shutdownNow();
                assertThat(httpThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        if (client == null) {
            return; // startTunnels failed, and said why
        }
        assertThat(server.err.text()).as("server errors").matches("new I2P keys in " + Pattern.quote(keys.toString())
                + ", destination i2p:\\S+ \\([a-z2-7]{52}\\.b32\\.i2p\\)\n");
        assertThat(client.err.text()).as("client errors").isEmpty();
        Threads.assertNoneLeft();
    }

    @Test
    void theServerAnnouncesTheDestinationOfItsNewKeyFile() throws Exception {
        I2pKeys saved = I2pKeys.load(keys);

        assertThat(server.out.text()).isEqualTo("listening on " + saved.destination() + " (" + saved.base32() + ")\n");
    }

    @Test
    void answersConcurrentRequests() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/echo?n=" + i)).timeout(REQUEST_TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("request " + i + " " + "x".repeat(i * 1000))).build();
            responses.add(browser.sendAsync(request, BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> response = responses.get(i).get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("n=" + i + ": request " + i + " " + "x".repeat(i * 1000));
        }
    }

    @Test
    void downloadsSixMebibytesIntact() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/big")).timeout(REQUEST_TIMEOUT).build();
        HttpResponse<InputStream> response = browser.send(request, BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(BIG);
        assertThat(sha.digest()).isEqualTo(bigHash);
    }

    private void echo(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = (exchange.getRequestURI().getQuery() + ": " + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private void big(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.sendResponseHeaders(200, BIG);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < BLOCKS; i++) {
                out.write(block);
            }
        }
    }
}
