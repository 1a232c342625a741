package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * A peer that goes silent in the middle of transfers (the link drops everything from then on):
 * every connection with it fails with an {@link IOException} naming the retry limit, within the
 * time the options give ({@link ReliableTransport#giveUpTime} at the RTO ceiling, the bound for
 * any estimate), on both sides; a connect attempted meanwhile fails the same way; nothing hangs
 * and no thread is left.
 */
@Timeout(60)
class SilentPeerTest {

    private static final int CONNECTIONS = 8;
    /**
     * Room for timers and threads that a busy 2-core machine runs late: the promise is the give-up
     * time; the slack only keeps the check from flaking (the read timeout, 30 s, stays far above).
     */
    private static final Duration SLACK = Duration.ofSeconds(5);

    private final MemoryNetwork network = new MemoryNetwork(new Random(3));
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-silent");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void connectionsWithASilentPeerFailAfterTheRetryLimitWithinTheTimeTheOptionsSay() throws Exception {
        ReliableTransport serverTransport = transport("server");
        ReliableTransport clientTransport = transport("client");
        Duration bound = clientTransport.giveUpTime(Duration.ofMillis(400)).plus(SLACK);
        StreamOptions options = StreamOptions.builder().readTimeout(Duration.ofSeconds(30)).build();
        long silentSince;
        List<Future<Long>> clientSide = new ArrayList<>();
        List<Future<Long>> serverSide = new ArrayList<>();
        try (StreamManager server = StreamManager.open(serverTransport, options);
             StreamManager client = StreamManager.open(clientTransport, options)) {
            StreamServerSocket listening = server.serverSocket();
            List<CompletableFuture<Void>> flowing = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Future<StreamSocket> accepting = threads.submit(() -> listening.accept(Duration.ofSeconds(10)));
                StreamSocket outgoing = client.connect(server.localDestination());
                StreamSocket incoming = accepting.get(10, TimeUnit.SECONDS);
                CompletableFuture<Void> clientFlows = new CompletableFuture<>();
                CompletableFuture<Void> serverFlows = new CompletableFuture<>();
                flowing.add(clientFlows);
                flowing.add(serverFlows);
                clientSide.add(threads.submit(() -> pumpUntilFailure(outgoing, clientFlows)));
                serverSide.add(threads.submit(() -> pumpUntilFailure(incoming, serverFlows)));
            }
            CompletableFuture.allOf(flowing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            network.setFaults(LinkFaults.NONE.withDropPercent(100));
            silentSince = System.nanoTime();
            Future<Long> connecting = threads.submit(() -> {
                try {
                    client.connect(server.localDestination()).close();
                } catch (IOException expected) {
                    assertThat(expected).hasMessageContaining("no acknowledgement from mem:server");
                    return System.nanoTime();
                }
                throw new AssertionError("a connect through a link that drops everything succeeded");
            });

            Duration slowest = Duration.ZERO;
            for (Future<Long> side : concat(clientSide, serverSide)) {
                Duration failedAfter = Duration.ofNanos(outcome(side) - silentSince);
                assertThat(failedAfter).isLessThanOrEqualTo(bound)
                        .as("not before the retries could have run out").isGreaterThan(clientTransport.giveUpTime(Duration.ZERO).dividedBy(2));
                slowest = failedAfter.compareTo(slowest) > 0 ? failedAfter : slowest;
            }
            System.out.printf("every connection failed within %d ms of the silence (bound %d ms)%n", slowest.toMillis(), bound.toMillis());
            Duration connectFailedAfter = Duration.ofNanos(outcome(connecting) - silentSince);
            assertThat(connectFailedAfter).isLessThanOrEqualTo(bound.plus(clientTransport.giveUpTime(Duration.ofMillis(400))));
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
        assertThat(clientTransport.statistics().get(ReliableCounter.PEERS_LOST)).isPositive();
        assertThat(serverTransport.statistics().get(ReliableCounter.PEERS_LOST)).isPositive();
    }

    /** Writes and reads until the connection fails; returns when it failed, checking why. */
    private Long pumpUntilFailure(StreamSocket socket, CompletableFuture<Void> flowing) throws Exception {
        Future<Long> reading = threads.submit(() -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                while (in.read(buffer) >= 0) {
                    flowing.complete(null);
                }
                throw new AssertionError("end of stream instead of a failure");
            } catch (IOException expected) {
                assertThat(expected).hasMessageContaining("no acknowledgement from");
                return System.nanoTime();
            }
        });
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[4096];
        long writeFailedAt;
        try {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException expected) {
            writeFailedAt = System.nanoTime();
            assertThat(expected).hasMessageContaining("no acknowledgement from");
        }
        try (socket) {
            long readFailedAt = reading.get(30, TimeUnit.SECONDS);
            return readFailedAt - writeFailedAt > 0 ? readFailedAt : writeFailedAt;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /** What {@code side} returned; an assertion it failed is rethrown as such, not wrapped. */
    private static long outcome(Future<Long> side) throws Exception {
        try {
            return side.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failed) {
                throw failed;
            }
            throw e;
        }
    }

    private ReliableTransport transport(String name) {
        return ReliableTransport.builder(network.endpoint(name))
                .minRto(Duration.ofMillis(50))
                .initialRto(Duration.ofMillis(50))
                .maxRto(Duration.ofMillis(400))
                .maxRetries(4)
                .ackDelay(Duration.ofMillis(5))
                .build();
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
