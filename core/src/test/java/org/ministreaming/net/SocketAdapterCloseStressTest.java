package org.ministreaming.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * A close racing a connect, at every moment of it: before, while the SYN is out, as the ACK
 * comes, after. Each round the connect either connects (and the socket is then closed) or fails
 * with "Socket closed" ("Socket is closed" if it began after the close, as {@code java.net} says); the connecting thread's interrupt flag, which the close may set to wake
 * it, is never left behind; and every connection the server accepted ends.
 */
@Timeout(120)
class SocketAdapterCloseStressTest {

    private static final int ROUNDS = 1_000;
    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager client;
    private StreamManager server;

    @AfterEach
    void stop() {
        client.close();
        server.close();
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aCloseAtAnyMomentOfAConnectEndsItCleanly() throws Exception {
        client = StreamManager.open(network.endpoint("client"));
        server = StreamManager.open(network.endpoint("server"), StreamOptions.builder().acceptBacklog(2 * ROUNDS)
                .maxConnectionsPerPeer(ROUNDS).synsPerSecondPerPeer(ROUNDS * 100).build());
        ServerSocketAdapter accepting = new ServerSocketAdapter(server);
        List<SocketAdapter> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(accepting.accept());
                }
            } catch (IOException closed) {
                // the test closed the server socket: every connection it will see is in
            }
        }, "acceptor");
        acceptor.start();
        SplittableRandom random = new SplittableRandom(7);
        int connected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            SocketAdapter socket = new SocketAdapter(client);
            CompletableFuture<Boolean> outcome = new CompletableFuture<>();
            Thread connecting = new Thread(() -> {
                boolean made = false;
                try {
                    socket.connect(new DestinationAddress(server.localDestination()), 10_000);
                    made = true;
                } catch (SocketException e) {
                    if (!e.getMessage().startsWith("Socket closed") && !e.getMessage().equals("Socket is closed")) {
                        outcome.completeExceptionally(e);
                    }
                } catch (IOException | RuntimeException e) {
                    outcome.completeExceptionally(e);
                }
                if (Thread.currentThread().isInterrupted()) {
                    outcome.completeExceptionally(new AssertionError("the interrupt flag was left set"));
                }
                outcome.complete(made);
            }, "connecting-" + round);
            connecting.start();
            LockSupport.parkNanos(random.nextLong(600_000));
            socket.close();

            if (outcome.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
                connected++;
            }
            connecting.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(socket.isClosed()).isTrue();
        }
        accepting.close();
        acceptor.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(accepted.size()).as("connections accepted, at least those that connected").isGreaterThanOrEqualTo(connected);
        for (SocketAdapter end : accepted) {
            end.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            int read;
            try {
                read = end.getInputStream().read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("an accepted connection whose client closed did not end: " + end.streamSocket()
                        + "; client " + client.statistics() + "; server " + server.statistics(), e);
            } catch (IOException ended) {
                read = -1;
            }
            assertThat(read).as("the accepted end of a connection whose client closed").isEqualTo(-1);
            end.close();
        }
        System.out.printf("SocketAdapterCloseStressTest: %d rounds, %d connected before the close, %d closed before or while"
                + " connecting; the server accepted %d%n", ROUNDS, connected, ROUNDS - connected, accepted.size());
    }
}
