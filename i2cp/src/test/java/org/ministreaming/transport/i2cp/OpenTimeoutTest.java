package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** {@link I2cpTransportBuilder#openTimeout}: opening a session gives up, saying what it waited for. */
@Timeout(90)
class OpenTimeoutTest {

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aRouterThatNeverAnswersIsGivenUpOnAtTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            I2cpTransport transport = I2cpTransport.builder().router("127.0.0.1", silent.getLocalPort())
                    .openTimeout(Duration.ofSeconds(1)).buildPlain();
            // The listening socket's backlog takes the connection; nothing ever answers on it.
            try {
                assertThatThrownBy(() -> transport.start(new Ignoring()))
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessage("gave up after 1 s waiting for the I2P router at 127.0.0.1:" + silent.getLocalPort()
                                + " to open a session for " + transport.base32() + " and build its tunnels"
                                + " (a router that has just started, or has few peers, can take minutes; one without network"
                                + " builds only zero-hop tunnels, for sessions with inbound.length=0 and outbound.length=0)");
            } finally {
                transport.close();
            }
        }
    }

    @Test
    @ExtendWith(SharedRouter.class)
    void aRouterThatCannotBuildTheTunnelsAskedForIsGivenUpOn(I2pRouter router) {
        // Three hops each way (I2P's default) on a router without peers: the tunnels never come.
        I2cpTransport transport = I2cpTransport.builder().router(router.host(), router.i2cpPort())
                .openTimeout(Duration.ofSeconds(3)).buildPlain();
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> transport.start(new Ignoring()))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageStartingWith("gave up after 3 s waiting for the I2P router at " + router.host() + ":" + router.i2cpPort());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before I2P's own limit").isLessThan(Duration.ofSeconds(60));
            assertThat(transport.isConnected()).isFalse();
        } finally {
            transport.close();
        }
    }

    @Test
    void aTimeoutOfForeverCountsAsSeventyThreeYears() {
        assertThat(I2cpTransport.builder().openTimeout(ChronoUnit.FOREVER.getDuration()).openTimeout())
                .isEqualTo(I2cpTransportBuilder.LONGEST).isGreaterThan(Duration.ofDays(73 * 365));
        assertThat(I2cpTransport.builder().openTimeout(Duration.ofHours(1)).openTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theTimeoutMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> I2cpTransport.builder().openTimeout(Duration.ZERO))
                .withMessage("the open timeout must be positive: PT0S");
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
