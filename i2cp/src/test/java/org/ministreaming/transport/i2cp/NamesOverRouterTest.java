package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * {@link I2cpTransport#resolve} on a real router without network: host names come from its
 * address book, {@code .b32.i2p} names from the lease sets its network database holds for the
 * session (on this router, only the session's own: see README, "I2P names").
 */
@ExtendWith(SharedRouter.class)
@Timeout(120)
class NamesOverRouterTest {

    private static final Duration LOOKUP = Duration.ofSeconds(20);

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aHostNameInTheRoutersAddressBookIsDialled(I2pRouter router) throws Exception {
        I2pKeys serverKeys = I2pKeys.generate();
        String name = "names-" + serverKeys.base32().substring(0, 10) + ".i2p";
        router.addHostName(name, serverKeys.i2pDestination().toBase64());
        I2cpTransport clientTransport = Endpoints.on(router).buildPlain();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).keys(serverKeys).build(), StreamOptions.defaults());
             StreamManager client = StreamManager.open(Endpoints.on(router).withReliableLayer(clientTransport), StreamOptions.defaults())) {
            StreamServerSocket listening = server.serverSocket();
            CompletableFuture<String> greeting = Async.run(() -> {
                try (StreamSocket accepted = listening.accept(Duration.ofSeconds(30))) {
                    return new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
            });

            Destination resolved = clientTransport.resolve(Destination.of("i2p:" + name.toUpperCase(java.util.Locale.ROOT)), LOOKUP);
            try (StreamSocket socket = client.connect(resolved)) {
                socket.getOutputStream().write("hello by name".getBytes(StandardCharsets.UTF_8));
            }

            assertThat(resolved).isEqualTo(serverKeys.destination());
            assertThat(greeting.get(30, TimeUnit.SECONDS)).isEqualTo("hello by name");
            assertThat(clientTransport.namesRemembered()).isEqualTo(1);
            assertThat(clientTransport.resolve(Destination.of("i2p:" + name), LOOKUP)).as("from the cache").isEqualTo(resolved);
            assertThat(clientTransport.namesRemembered()).isEqualTo(1);
        }
    }

    @Test
    void aB32NameTheRouterHasALeaseSetForIsResolvedToTheFullDestination(I2pRouter router) throws Exception {
        I2cpTransport transport = Endpoints.on(router).buildPlain();
        try (StreamManager manager = StreamManager.open(transport, StreamOptions.defaults())) {
            Destination own = manager.localDestination();

            assertThat(transport.resolve(Destination.of("i2p:" + transport.base32()), LOOKUP)).isEqualTo(own);
            assertThat(transport.resolve(own, LOOKUP)).as("a full destination is its own answer").isEqualTo(own);
        }
    }

    @Test
    void unknownNamesFailWithUnknownHostExceptionAndAreNotRemembered(I2pRouter router) throws Exception {
        I2cpTransport transport = Endpoints.on(router).buildPlain();
        String nobody = I2pKeys.generate().base32();
        try (StreamManager manager = StreamManager.open(transport, StreamOptions.defaults())) {
            assertThatThrownBy(() -> transport.resolve(Destination.of("i2p:nobody-here.i2p"), LOOKUP))
                    .isInstanceOf(UnknownHostException.class)
                    .hasMessage("unknown I2P host name nobody-here.i2p: the I2P router at " + router.host() + ":" + router.i2cpPort()
                            + " has no such name in its address book (hosts.txt in the router's directory)");
            assertThatThrownBy(() -> transport.resolve(Destination.of("i2p:" + nobody), Duration.ofSeconds(3)))
                    .isInstanceOf(UnknownHostException.class)
                    .hasMessageStartingWith("unknown I2P name " + nobody + ": the I2P router at " + router.host() + ":"
                            + router.i2cpPort() + " found no lease set for it (it answered after ")
                    .as("a router without floodfill peers says at once that it found none: the message says so, not the timeout")
                    .hasMessageMatching(".* after \\d+(\\.\\d)? m?s that its lookup found none; .*");
            assertThat(transport.namesRemembered()).isZero();
        }
    }

    @Test
    void malformedNamesAndUnstartedTransportsAreRefused(I2pRouter router) throws Exception {
        I2cpTransport transport = Endpoints.on(router).buildPlain();
        try {
            assertThatIllegalArgumentException().isThrownBy(() -> transport.resolve(Destination.of("i2p:short.b32.i2p"), LOOKUP))
                    .withMessageContaining("is not an I2P name");
            assertThatIllegalArgumentException().isThrownBy(() -> transport.resolve(Destination.of("tcp://127.0.0.1:80"), LOOKUP))
                    .withMessageStartingWith("not an I2P destination");
            assertThatThrownBy(() -> transport.resolve(Destination.of("i2p:example.i2p"), LOOKUP))
                    .hasMessageStartingWith("not connected to the I2P router at");
        } finally {
            transport.close();
        }
    }
}
