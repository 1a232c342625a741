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

/**
 * The web server behind the tunnel tests: a JDK HTTP server on loopback whose {@code /echo}
 * answers {@code QUERY: BODY} and whose {@code /big} sends a number of mebibytes of seeded random
 * bytes, and the client side's checks of both.
 */
final class HttpOrigin implements AutoCloseable {

    /** How long one request may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final int BLOCK = 1 << 20;

    private final byte[] block = new byte[BLOCK];
    private final int blocks;
    private final byte[] bigHash;
    private final ExecutorService threads;
    private final HttpServer http;
    private final HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();

    /**
     * Starts the server.
     *
     * @param blocks the mebibytes {@code /big} sends
     * @param threads the server's threads
     */
    HttpOrigin(int blocks, int threads) throws Exception {
        this.blocks = blocks;
        new SplittableRandom(42).nextBytes(block);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < blocks; i++) {
            sha.update(block);
        }
        this.bigHash = sha.digest();
        this.threads = Executors.newFixedThreadPool(threads);
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        http.setExecutor(this.threads);
        http.createContext("/echo", this::echo);
        http.createContext("/big", this::big);
        http.start();
    }

    /** The server's port on 127.0.0.1. */
    int port() {
        return http.getAddress().getPort();
    }

    /** Sends {@code requests} echo requests at once to {@code base} and checks every answer. */
    void checkConcurrentEchoes(String base, int requests, int padding) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/echo?n=" + i)).timeout(REQUEST_TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("request " + i + " " + "x".repeat(i * padding))).build();
            responses.add(browser.sendAsync(request, BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = responses.get(i).get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("n=" + i + ": request " + i + " " + "x".repeat(i * padding));
        }
    }

    /**
     * Downloads {@code /big} from {@code base} and checks its length and SHA-256, reading
     * {@code chunk} bytes at a time (0: as much as comes) with {@code pause} after every 2 MiB.
     */
    void checkDownload(String base, int chunk, Duration pause) throws Exception {
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
        assertThat(total).isEqualTo((long) BLOCK * blocks);
        assertThat(sha.digest()).isEqualTo(bigHash);
    }

    /** Stops the server and its threads. */
    @Override
    public void close() throws InterruptedException {
        http.stop(0);
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
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
            exchange.sendResponseHeaders(200, (long) BLOCK * blocks);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < blocks; i++) {
                out.write(block);
            }
        }
    }
}
