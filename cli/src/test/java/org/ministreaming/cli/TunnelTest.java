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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The two tunnels end to end, in-process, through real sockets: an HTTP client reaches a JDK
 * HTTP server through {@code client} and {@code server}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TunnelTest {

    private static final int BLOCK = 1 << 20;
    private static final int BLOCKS = 100;
    private static final long BIG = (long) BLOCK * BLOCKS;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final byte[] block = new byte[BLOCK];
    private byte[] bigHash;
    private ExecutorService httpThreads;
    private HttpServer http;
    private Running server;
    private Running client;
    private HttpClient browser;
    private String base;

    @BeforeAll
    void startTunnels() throws Exception {
        new SplittableRandom(42).nextBytes(block);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < BLOCKS; i++) {
            sha.update(block);
        }
        bigHash = sha.digest();

        httpThreads = Executors.newFixedThreadPool(16);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        http.setExecutor(httpThreads);
        http.createContext("/echo", this::echo);
        http.createContext("/big", this::big);
        http.start();

        server = Running.start("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:" + http.getAddress().getPort());
        String destination = server.listeningOnOut();
        assertThat(destination).matches("tcp://127\\.0\\.0\\.1:\\d+");
        client = Running.start("client", "--peer", destination, "--listen", "127.0.0.1:0");
        base = "http://" + client.listeningOnOut();
        browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
    }

    @AfterAll
    void stopTunnels() throws Exception {
        if (client == null || server == null) {
            return; // startTunnels failed, and said why
        }
        try {
            assertThat(client.stop()).isEqualTo(ExitCodes.OK);
            assertThat(server.stop()).isEqualTo(ExitCodes.OK);
        } finally {
            try {
                client.close();
            } finally {
                server.close();
                http.stop(0);
                httpThreads.shutdownNow();
                assertThat(httpThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(server.err.text()).as("server errors").isEmpty();
        assertThat(client.err.text()).as("client errors").isEmpty();
        Threads.assertNoneLeft();
    }

    @Test
    void answersHundredConcurrentRequests() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/echo?n=" + i)).timeout(REQUEST_TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("request " + i + " " + "x".repeat(i * 100))).build();
            responses.add(browser.sendAsync(request, BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = responses.get(i).get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("n=" + i + ": request " + i + " " + "x".repeat(i * 100));
        }
    }

    @Test
    void downloadsHundredMebibytesIntact() throws Exception {
        assertThat(download(0, Duration.ZERO)).isEqualTo(bigHash);
    }

    @Test
    void downloadsIntactToASlowReader() throws Exception {
        // Reads 4 KiB at a time and pauses 50 ms after every 2 MiB, so that every buffer on the
        // way fills up and flow control holds the server back again and again.
        assertThat(download(4096, Duration.ofMillis(50))).isEqualTo(bigHash);
    }

    /** Downloads {@code /big}, reading {@code chunk} bytes at a time (0: as much as comes) with a pause every 2 MiB. */
    private byte[] download(int chunk, Duration pause) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/big")).timeout(REQUEST_TIMEOUT).build();
        HttpResponse<InputStream> response = browser.send(request, BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[chunk > 0 ? chunk : 64 * 1024];
        long total = 0;
        long nextPause = 2 << 20;
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                total += n;
                if (!pause.isZero() && total >= nextPause) {
                    Thread.sleep(pause.toMillis());
                    nextPause += 2 << 20;
                }
            }
        }
        assertThat(total).isEqualTo(BIG);
        return sha.digest();
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
