package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** I2P names on the command line, and the bounded, visible wait for a router's tunnels. */
@ExtendWith(SharedRouter.class)
@Timeout(90)
class I2pNamesCliTest {

    private static final byte[] NOTHING = new byte[0];

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void connectDialsAHostNameFromTheRoutersAddressBook(I2pRouter router) throws Exception {
        byte[] data = TestData.random(50_000);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(NOTHING, received), I2pArgs.command(router, List.of("listen")))) {
            String destination = listen.listeningOnErr();
            String name = "cli-" + Long.toHexString(System.nanoTime()) + ".i2p";
            router.addHostName(name, destination.substring("i2p:".length()));
            try (Cli connect = Cli.start(TestData.streams(data, new ByteArrayOutputStream()),
                    I2pArgs.command(router, List.of("connect"), "i2p:" + name))) {
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.OK);
                assertThat(I2pArgs.withoutProgress(connect.err.text())).isEmpty();
            }
            assertThat(listen.awaitExit()).as(listen.err.text()).isEqualTo(ExitCodes.OK);
        }
        assertThat(received.toByteArray()).isEqualTo(data);
    }

    @Test
    void anUnknownNameIsOneLineAndItsOwnExitCode(I2pRouter router) throws Exception {
        String unknownB32 = I2pKeys.generate().base32();
        try (Cli host = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()),
                I2pArgs.command(router, List.of("connect"), "i2p:nobody.i2p"));
             Cli b32 = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()),
                     I2pArgs.command(router, List.of("connect", "--i2cp-timeout", "3"), "i2p:" + unknownB32))) {
            assertThat(host.awaitExit()).as(host.err.text()).isEqualTo(ExitCodes.UNKNOWN_NAME);
            assertThat(b32.awaitExit()).as(b32.err.text()).isEqualTo(ExitCodes.UNKNOWN_NAME);
            assertThat(I2pArgs.withoutProgress(host.err.text())).isEqualTo("ministreaming: unknown I2P host name nobody.i2p: the I2P router at "
                    + router.host() + ":" + router.i2cpPort() + " has no such name in its address book (hosts.txt in the router's directory)\n");
            assertThat(I2pArgs.withoutProgress(b32.err.text())).startsWith("ministreaming: unknown I2P name " + unknownB32
                    + ": the I2P router at " + router.host() + ":" + router.i2cpPort() + " found no lease set for it (it answered after ")
                    .containsPattern(" after \\d+(\\.\\d)? m?s that its lookup found none; ").hasLineCount(1);
        }
    }

    @Test
    void aRouterThatDoesNotBuildTheTunnelsIsGivenUpOnSayingWhatWasAwaited(I2pRouter router) throws Exception {
        String address = router.host() + ":" + router.i2cpPort();
        // Without the zero-hop options, this router without peers never builds the tunnels.
        try (Cli connect = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()),
                "connect", "--i2cp", address, "--i2cp-timeout", "3", "i2p:" + I2pKeys.generate().base32())) {
            assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.TRANSPORT_UNAVAILABLE);
            String waitedFor = "the I2P router at " + address + " to open a session for [a-z2-7]{52}\\.b32\\.i2p and build its tunnels";
            assertThat(connect.err.text()).matches("ministreaming: waiting for " + waitedFor + " \\(giving up after 3 s\\)\n"
                    + "ministreaming: gave up after 3 s waiting for " + waitedFor + " \\(a router that has just started, or has few"
                    + " peers, can take minutes; one without network builds only zero-hop tunnels, for sessions with"
                    + " inbound\\.length=0 and outbound\\.length=0\\); wait longer with --i2cp-timeout SECONDS\n");
        }
    }

    @Test
    void theTimeoutIsAWholeNumberOfSecondsForI2pOnly() throws Exception {
        Run zero = Run.of("connect", "--i2cp", "127.0.0.1:7654", "--i2cp-timeout", "0", "i2p:example.i2p");
        Run withoutI2p = Run.of("connect", "--i2cp-timeout", "5", "tcp://127.0.0.1:80");

        assertThat(zero.err()).startsWith("ministreaming: Invalid value for option '--i2cp-timeout': '0' is not a whole number of seconds from 1 up");
        assertThat(withoutI2p.err()).startsWith("ministreaming: --i2cp-timeout is for I2P: add --i2cp HOST:PORT");
        for (Run run : new Run[] {zero, withoutI2p}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).hasLineCount(1);
        }
    }
}
