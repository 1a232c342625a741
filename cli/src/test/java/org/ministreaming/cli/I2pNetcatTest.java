package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.StreamManager;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** {@code listen} and {@code connect} in-process over a real I2P router. */
@ExtendWith(SharedRouter.class)
@Timeout(60)
class I2pNetcatTest {

    private static final byte[] NOTHING = new byte[0];

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void movesBytesIntactFromConnectToListen(I2pRouter router) throws Exception {
        byte[] data = TestData.random(100_000);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(NOTHING, received), I2pArgs.command(router, List.of("listen")))) {
            String destination = listen.listeningOnErr();
            assertThat(destination).startsWith("i2p:");
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try (Cli connect = Cli.start(TestData.streams(data, answer), I2pArgs.command(router, List.of("connect"), destination))) {
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.OK);
                assertThat(I2pArgs.withoutProgress(connect.err.text())).isEmpty();
            }
            assertThat(listen.awaitExit()).as(listen.err.text()).isEqualTo(ExitCodes.OK);
            assertThat(answer.size()).isZero();
        }
        assertThat(received.toByteArray()).isEqualTo(data);
    }

    @Test
    void aPlainConnectIsAnsweredPlainAndTracedByB32Name(I2pRouter router) throws Exception {
        byte[] greeting = "hello over I2P\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(greeting, new ByteArrayOutputStream()),
                I2pArgs.command(router, List.of("listen", "-q", "0")))) {
            String destination = listen.listeningOnErr();
            String name = Pattern.quote(I2pDestinations.base32(Destination.of(destination)));
            try (Cli connect = Cli.start(TestData.streams(NOTHING, answer),
                    I2pArgs.command(router, List.of("--trace", "connect", "--plain", "-q", "-1"), destination))) {
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.OK);
                assertThat(I2pArgs.withoutProgress(connect.err.text()).lines().toList()).satisfiesExactly(
                        syn -> assertThat(syn).matches(name + " C->S A1 .*\\(SYN, client id .*, 391 bytes of destination, credit window 262144\\)"),
                        ack -> assertThat(ack).matches(name + " S->C 51 .*\\(ACK, client id .*, server id .*, credit window 262144\\)"),
                        data -> assertThat(data).matches(name + " S->C 50 .*\\(data, " + greeting.length + " bytes\\)"),
                        close -> assertThat(close).matches(name + " S->C 52 .*\\(close\\)"));
            }
            assertThat(listen.awaitExit()).as(listen.err.text()).isEqualTo(ExitCodes.OK);
        }
        assertThat(answer.toByteArray()).isEqualTo(greeting);
    }

    @Test
    void aPeerWithoutAListenerRefusesInOneLineWithItsB32Name(I2pRouter router) throws Exception {
        I2cpTransportBuilder builder = I2cpTransport.builder().router(router.host(), router.i2cpPort());
        router.sessionOptions().forEach((name, value) -> builder.sessionOption((String) name, (String) value));
        try (StreamManager peer = StreamManager.open(builder.build());
             Cli connect = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()),
                     I2pArgs.command(router, List.of("connect"), peer.localDestination().uri()))) {
            assertThat(connect.awaitExit()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(I2pArgs.withoutProgress(connect.err.text())).isEqualTo("ministreaming: connection refused by "
                    + I2pDestinations.base32(peer.localDestination()) + "\n");
        }
    }
}
