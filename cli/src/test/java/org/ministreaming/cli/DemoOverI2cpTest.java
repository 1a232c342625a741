package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** {@code demo --transport i2cp}: the same demo between destinations on an I2P router. */
@Timeout(60)
class DemoOverI2cpTest {

    @Test
    @ExtendWith(SharedRouter.class)
    void playsTheConversationsAndTheTransferOverTheRouter(I2pRouter router) throws InterruptedException {
        Run run = Run.of(I2pArgs.command(router, List.of("demo", "--transport", "i2cp", "--size", "2M")));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .containsPattern("as the client \\([a-z2-7]{52}\\.b32\\.i2p\\) sees them")
                .containsPattern("client: connect failed as it should: connection refused by [a-z2-7]{52}\\.b32\\.i2p\n")
                .contains("matches the protocol text: A1 52\n")
                .contains("matches the protocol text: A1 51 50 A2\n")
                .contains("matches the protocol text: A1 51 A0 50 50 52\n")
                .contains("from the sender to the receiver (two I2P destinations on one router) over one connection")
                .contains("SHA-256 of sent and received bytes match");
        assertThat(I2pArgs.withoutProgress(run.err()).replace("transfer: 2.0 of 2.0 MiB (100%)\n", "")).as("stderr besides the progress lines")
                .isBlank();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void noRouterIsOneLineAndItsOwnExitCode() throws Exception {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }

        Run run = Run.of("demo", "--transport", "i2cp", "--i2cp", "127.0.0.1:" + closedPort);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.TRANSPORT_UNAVAILABLE);
        assertThat(I2pArgs.withoutProgress(run.err())).isEqualTo("ministreaming: cannot reach the I2P router at 127.0.0.1:" + closedPort
                + ": Connection refused (is it running, with I2CP on that port?)\n");
        assertThat(run.out()).isEmpty();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void theRouterOptionsAreForTheI2cpTransportOnly() {
        Run router = Run.of("demo", "--i2cp", "127.0.0.1:7654");
        Run option = Run.of("demo", "--transport", "tcp", "--i2cp-option", "inbound.length=0");
        Run lossy = Run.of("demo", "--transport", "i2cp", "--drop", "5");

        assertThat(router.err()).isEqualTo("ministreaming: --i2cp, --i2cp-option and --i2cp-timeout are for --transport i2cp"
                + " (see 'ministreaming demo --help')\n");
        assertThat(option.err()).isEqualTo(router.err());
        assertThat(lossy.err()).startsWith("ministreaming: --drop, --duplicate, --reorder and --reliable apply to the in-memory network only");
        for (Run run : new Run[] {router, option, lossy}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        }
    }
}
