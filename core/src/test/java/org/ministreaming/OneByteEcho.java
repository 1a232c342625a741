package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One connection's round of a one-byte echo whose server answers the byte plus one: for tests that reconnect. */
public final class OneByteEcho {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private OneByteEcho() {
    }

    /**
     * Accepts one connection on {@code server}'s {@code serverSocket} while {@code client} connects
     * to it, sends {@code value} and checks the answer; both connections are closed after.
     */
    public static void round(StreamManager client, StreamManager server, StreamServerSocket serverSocket, int value) throws Exception {
        CompletableFuture<Integer> served = Async.run(() -> {
            try (StreamSocket socket = serverSocket.accept(WAIT)) {
                int request = socket.getInputStream().read();
                socket.getOutputStream().write(request + 1);
                return request;
            }
        });
        try (StreamSocket socket = client.connect(server.localDestination())) {
            socket.getOutputStream().write(value);
            assertThat(socket.getInputStream().read()).isEqualTo(value + 1);
        }
        assertThat(served.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(value);
    }
}
