package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;

/**
 * The private router: {@code demo --transport i2cp} without {@code --i2cp} runs on one it starts
 * in a child process ({@code ministreaming router}) and stops; {@code router} refuses a port in use;
 * a session that asks for I2P's default tunnel lengths gets zero-hop tunnels on it.
 */
@Timeout(300)
class PrivateRouterTest {

    @Test
    void theI2cpDemoWithoutARouterStartsAPrivateOneAndStopsItAfterwards() throws Exception {
        Run run = Run.of("demo", "--transport", "i2cp", "--size", "1M");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).startsWith("ministreaming: no --i2cp given: starting a private I2P router (no network) for the demo\n");
        assertThat(run.out())
                .contains("matches the protocol text: A1 51 A0 50 50 52\n")
                .contains("from the sender to the receiver (two I2P destinations on one router) over one connection")
                .contains("SHA-256 of sent and received bytes match");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(child -> child.info().commandLine().orElse("").contains(" router --port 0")))
                .as("the router's process has ended").isEmpty();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void theRouterCommandRefusesAPortInUseInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(PrivateRouter.HOST))) {
            Run run = Run.of("router", "--port", Integer.toString(taken.getLocalPort()));

            assertThat(run.exitCode()).isEqualTo(ExitCodes.CANNOT_LISTEN);
            assertThat(run.err()).isEqualTo("ministreaming: cannot listen for I2CP on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is in use (by another I2P router? Then use that one, with --i2cp 127.0.0.1:" + taken.getLocalPort() + ")\n");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void aPortOutOfRangeAndTraceAreUsageErrorsInOneLine() {
        Run port = Run.of("router", "--port", "70000");
        Run trace = Run.of("--trace", "router");

        assertThat(port.err()).isEqualTo("ministreaming: --port must be 0-65535: 70000 (see 'ministreaming router --help')\n");
        assertThat(trace.err()).startsWith("ministreaming: the router carries no ministreaming messages of its own;");
        for (Run run : new Run[] {port, trace}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).hasLineCount(1);
        }
    }

    @Test
    void aSessionWithI2psDefaultTunnelLengthsOpensOnThePrivateRouter() throws Exception {
        try (ChildRouter router = ChildRouter.start()) {
            I2cpTransportBuilder session = I2cpTransport.builder().router(router.address().host(), router.address().port())
                    .openTimeout(Duration.ofSeconds(60));
            // No inbound.length or outbound.length: I2P's default of three hops, which a router without peers cannot build.
            try (StreamManager manager = StreamManager.open(session.build())) {
                assertThat(manager.localDestination().scheme()).isEqualTo("i2p");
            }
        }
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void theChildRoutersAddressAnswersI2cpUntilItIsClosed() throws Exception {
        HostPort address;
        try (ChildRouter router = ChildRouter.start()) {
            address = router.address();
            assertThat(address.host()).isEqualTo(PrivateRouter.HOST);
            try (java.net.Socket i2cp = new java.net.Socket(address.host(), address.port())) {
                assertThat(i2cp.isConnected()).isTrue();
            }
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(child -> child.info().commandLine().orElse("").contains(" router --port 0"))).isEmpty();
        try (ServerSocket again = new ServerSocket(address.port(), 1, InetAddress.getByName(PrivateRouter.HOST))) {
            assertThat(again.getLocalPort()).as("the port is free once the router stopped").isEqualTo(address.port());
        }
    }
}
