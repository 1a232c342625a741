package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/** {@link I2cpTransport#close} ends a start that still waits for the router. No router runs here. */
@Timeout(60)
class CloseWhileStartingTest {

    @Test
    void closeEndsAStartThatWaitsForASilentRouter() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(20_000);
            I2cpTransport transport = I2cpTransport.builder().router("127.0.0.1", silent.getLocalPort()).buildPlain();
            CompletableFuture<IOException> failure = CompletableFuture.supplyAsync(() -> {
                try {
                    transport.start(new Ignoring());
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            try (Socket session = silent.accept()) {
                session.setSoTimeout(20_000);
                assertThat(session.getInputStream().read()).as("the client library opened I2CP with its protocol byte").isEqualTo(0x2A);
                assertThat(failure).as("start waits for the router's answer, which never comes").isNotDone();
                long start = System.nanoTime();
                transport.close();

                assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    /** A receiver for a transport that never receives anything. */
    private static final class Ignoring implements Transport.Receiver {
        @Override
        public void onMessage(Destination from, ByteBuffer message) {
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
        }
    }
}
