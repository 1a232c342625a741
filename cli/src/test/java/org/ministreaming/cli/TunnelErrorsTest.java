package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.nio.file.Files;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;

/** What the tunnels do when something cannot be reached, and the errors they give. */
@Timeout(60)
class TunnelErrorsTest {

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aServiceThatRefusesEndsThatConnectionOnly() throws Exception {
        int closedPort = freePort();
        try (Cli server = Cli.start("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:" + closedPort);
             Cli client = Cli.start("client", "--peer", server.listeningOnOut(), "--listen", "127.0.0.1:0")) {
            HostPort local = HostPort.parse(client.listeningOnOut(), false);
            for (int i = 0; i < 2; i++) {
                try (Socket app = new Socket(local.host(), local.port())) {
                    app.setSoTimeout((int) Cli.TIMEOUT.toMillis());
                    assertThat(app.getInputStream().read()).as("the connection ends at once").isEqualTo(-1);
                }
                // The second, failing the same way within a second of the first, may be told as a count (FailureLines).
                server.err.await(Pattern.compile("ministreaming: (connection from tcp://-@127\\.0\\.0\\.1:\\d+"
                        + "|1 more connection failed the same way within 1 s):"
                        + " cannot reach the service at 127\\.0\\.0\\.1:" + closedPort + ": Connection refused"), Cli.TIMEOUT);
            }
            assertThat(client.err.text()).isEmpty();
        }
    }

    @Test
    void aServiceWhoseHostIsUnknownIsNamedSo() throws Exception {
        try (Cli server = Cli.start("server", "--listen", "tcp://127.0.0.1:0", "--forward", "nosuchhost.invalid:80");
             Cli client = Cli.start("client", "--peer", server.listeningOnOut(), "--listen", "127.0.0.1:0")) {
            HostPort local = HostPort.parse(client.listeningOnOut(), false);
            try (Socket app = new Socket(local.host(), local.port())) {
                app.setSoTimeout((int) Cli.TIMEOUT.toMillis());
                assertThat(app.getInputStream().read()).isEqualTo(-1);
            }
            server.err.await(Pattern.compile("ministreaming: connection from tcp://-@127\\.0\\.0\\.1:\\d+:"
                    + " cannot reach the service at nosuchhost\\.invalid:80: unknown host nosuchhost\\.invalid"), Cli.TIMEOUT);
            assertThat(server.err.text()).doesNotContain("null");
        }
    }

    @Test
    void aPeerThatCannotBeReachedEndsThatConnectionOnly() throws Exception {
        int closedPort = freePort();
        try (Cli client = Cli.start("client", "--peer", "tcp://127.0.0.1:" + closedPort, "--listen", "127.0.0.1:0")) {
            HostPort local = HostPort.parse(client.listeningOnOut(), false);
            try (Socket app = new Socket(local.host(), local.port())) {
                app.setSoTimeout((int) Cli.TIMEOUT.toMillis());
                assertThat(app.getInputStream().read()).isEqualTo(-1);
            }
            client.err.await(Pattern.compile("ministreaming: connection from 127\\.0\\.0\\.1:\\d+:"
                    + " cannot connect to tcp://127\\.0\\.0\\.1:" + closedPort + ": Connection refused"), Cli.TIMEOUT);
            assertThat(client.stop()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void aLocalPortInUseHasItsOwnExitCode() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cli client = Cli.start("client", "--peer", "tcp://127.0.0.1:1", "--listen", "127.0.0.1:" + taken.getLocalPort())) {
            assertThat(client.awaitExit()).isEqualTo(ExitCodes.CANNOT_LISTEN);
            assertThat(client.err.text()).matches("ministreaming: cannot listen at 127\\.0\\.0\\.1:" + taken.getLocalPort() + ": .+\n");
            assertThat(client.out.text()).isEmpty();
        }
    }

    @Test
    void aServerPortInUseHasItsOwnExitCode() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cli server = Cli.start("server", "--listen", "tcp://127.0.0.1:" + taken.getLocalPort(), "--forward", "127.0.0.1:1")) {
            assertThat(server.awaitExit()).isEqualTo(ExitCodes.CANNOT_LISTEN);
            assertThat(server.err.text()).matches("ministreaming: cannot listen at tcp://127\\.0\\.0\\.1:" + taken.getLocalPort() + ": .+\n");
        }
    }

    @Test
    void theTlsServerPrintsItsFingerprintAndAPinnedClientGetsThrough() throws Exception {
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cli server = Cli.start("server", "--listen", "tls://127.0.0.1:0", "--forward", "127.0.0.1:" + service.getLocalPort())) {
            String fingerprint = server.err.await(Pattern.compile("certificate fingerprint \\(SHA-256, for --pin\\): ((\\p{XDigit}{2}:){31}\\p{XDigit}{2})"),
                    Cli.TIMEOUT).group(1);
            try (Cli client = Cli.start("client", "--peer", server.listeningOnOut(), "--pin", fingerprint, "--listen", "127.0.0.1:0")) {
                HostPort local = HostPort.parse(client.listeningOnOut(), false);
                service.setSoTimeout((int) Cli.TIMEOUT.toMillis());
                try (Socket app = new Socket(local.host(), local.port()); Socket behind = service.accept()) {
                    app.getOutputStream().write(42);
                    assertThat(behind.getInputStream().read()).isEqualTo(42);
                }
            }
        }
    }

    @Test
    void pinsAndKeyStoresMustFitTheScheme() throws Exception {
        Run plainPin = Run.of("client", "--peer", "tcp://127.0.0.1:7000", "--pin", "AB".repeat(32), "--listen", "127.0.0.1:0");
        Run noPin = Run.of("connect", "tls://127.0.0.1:7000");
        Run plainKeyStore = Run.of("server", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:80",
                "--keystore", "k.p12", "--keystore-password", "pw");
        Run badPin = Run.of("connect", "--pin", "12:34", "tls://127.0.0.1:7000");

        assertThat(plainPin.err()).isEqualTo("ministreaming: --pin is for tls:// peers; tcp://127.0.0.1:7000 is plain TCP"
                + " (see 'ministreaming client --help')\n");
        assertThat(noPin.err()).isEqualTo("ministreaming: dialling tls://127.0.0.1:7000 needs --pin FINGERPRINT, the certificate"
                + " fingerprint the peer prints when it starts (see 'ministreaming connect --help')\n");
        assertThat(plainKeyStore.err()).isEqualTo("ministreaming: --keystore is for tls:// destinations; tcp://127.0.0.1:0 is plain TCP"
                + " (see 'ministreaming server --help')\n");
        assertThat(badPin.err()).startsWith("ministreaming: --pin: not a SHA-256 fingerprint").hasLineCount(1);
        for (Run run : new Run[] {plainPin, noPin, plainKeyStore, badPin}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        }
    }

    @Test
    void aKeyStoreThatCannotBeUsedSaysWhyAndAForwardHostNoHostCanHaveIsRefusedAtStart(@TempDir Path directory) throws Exception {
        Path garbage = directory.resolve("unreadable.dat");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        Run badKeyStore = Run.of("server", "--listen", "tls://127.0.0.1:0", "--forward", "127.0.0.1:80",
                "--keystore", garbage.toString(), "--keystore-password", "pw");
        Run longHost = Run.of("server", "--listen", "tcp://127.0.0.1:0", "--forward", "h".repeat(5000) + ":80");

        assertThat(badKeyStore.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(badKeyStore.err()).startsWith("ministreaming: cannot use the key store " + garbage
                + ": it is not a PKCS12 key store that this password opens (").doesNotContain("null");
        assertThat(longHost.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(longHost.err()).contains("the host name has 5000 characters, more than the 253 a host name may have");
        assertThat(longHost.out()).doesNotContain("listening on");
    }

    @Test
    void memDestinationsAreRefusedClearly() {
        Run run = Run.of("server", "--listen", "mem:server", "--forward", "127.0.0.1:80");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("ministreaming: Invalid value for option '--listen': 'mem:server' is on the in-memory network,"
                + " which exists only inside one process; give tcp://HOST:PORT or tls://HOST:PORT (port 0 for any free port)"
                + " (see 'ministreaming server --help')\n");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
