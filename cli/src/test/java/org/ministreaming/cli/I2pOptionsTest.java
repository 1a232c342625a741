package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.i2cp.I2pKeys;

/** The I2P options of the network commands: how they fit the others, and what happens without a router. No router runs here. */
@Timeout(60)
class I2pOptionsTest {

    private static final String PEER = I2pKeys.generate().destination().uri();

    @TempDir
    Path dir;

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void anI2pPeerNeedsTheRouter() {
        Run connect = Run.of("connect", PEER);
        Run client = Run.of("client", "--peer", PEER, "--listen", "127.0.0.1:0");

        assertThat(connect.err()).isEqualTo("ministreaming: i2p: destinations are reached through an I2P router:"
                + " add --i2cp HOST:PORT, its I2CP address (usually 127.0.0.1:7654) (see 'ministreaming connect --help')\n");
        assertThat(client.err()).startsWith("ministreaming: i2p: destinations are reached through an I2P router:");
        assertThat(connect.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(client.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void optionsOfOneTransportDoNotMixWithTheOther() {
        Run pinOverI2p = Run.of("connect", "--i2cp", "127.0.0.1:7654", "--pin", "AB".repeat(32), PEER);
        Run routerForTcp = Run.of("connect", "--i2cp", "127.0.0.1:7654", "tcp://127.0.0.1:7000");
        Run keysForTcp = Run.of("client", "--keys", "k.dat", "--peer", "tcp://127.0.0.1:7000", "--listen", "127.0.0.1:0");
        Run plainForTcp = Run.of("listen", "--plain", "--listen", "tcp://127.0.0.1:0");
        Run optionForTcp = Run.of("server", "--i2cp-option", "inbound.length=0", "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:80");
        Run keyStoreOverI2p = Run.of("server", "--i2cp", "127.0.0.1:7654", "--keystore", "k.p12", "--keystore-password", "pw",
                "--forward", "127.0.0.1:80");

        assertThat(pinOverI2p.err()).isEqualTo("ministreaming: --pin is for tls:// peers, not I2P destinations"
                + " (see 'ministreaming connect --help')\n");
        assertThat(routerForTcp.err()).isEqualTo("ministreaming: --i2cp is for i2p: peers; tcp://127.0.0.1:7000 is reached without a router"
                + " (see 'ministreaming connect --help')\n");
        assertThat(keysForTcp.err()).isEqualTo("ministreaming: --keys is for I2P: add --i2cp HOST:PORT, the I2CP address of the router"
                + " (usually 127.0.0.1:7654) (see 'ministreaming client --help')\n");
        assertThat(plainForTcp.err()).startsWith("ministreaming: --plain is for I2P: add --i2cp HOST:PORT");
        assertThat(optionForTcp.err()).startsWith("ministreaming: --i2cp-option is for I2P: add --i2cp HOST:PORT");
        assertThat(keyStoreOverI2p.err()).isEqualTo("ministreaming: --keystore and --keystore-password are for tls:// destinations, not I2P"
                + " (see 'ministreaming server --help')\n");
        for (Run run : new Run[] {pinOverI2p, routerForTcp, keysForTcp, plainForTcp, optionForTcp, keyStoreOverI2p}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void aListenerTakesEitherListenOrI2cp() {
        Run both = Run.of("server", "--listen", "tcp://127.0.0.1:0", "--i2cp", "127.0.0.1:7654", "--forward", "127.0.0.1:80");
        Run neither = Run.of("listen");
        Run i2pListen = Run.of("listen", "--listen", PEER);

        assertThat(both.err()).isEqualTo("ministreaming: --listen and --i2cp are alternatives: --listen DEST listens on TCP,"
                + " --i2cp HOST:PORT on an I2P router; give one of them (see 'ministreaming server --help')\n");
        assertThat(neither.err()).isEqualTo("ministreaming: Missing required option: '--listen=DEST' (TCP or TLS)"
                + " or '--i2cp=HOST:PORT' (an I2P router) (see 'ministreaming listen --help')\n");
        assertThat(i2pListen.err()).isEqualTo("ministreaming: Invalid value for option '--listen': to listen on I2P, give --i2cp HOST:PORT,"
                + " the I2CP address of the router, instead of --listen (and --keys FILE for a lasting destination)"
                + " (see 'ministreaming listen --help')\n");
        for (Run run : new Run[] {both, neither, i2pListen}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        }
    }

    @Test
    void badDestinationsAndSessionOptionsAreUsageErrorsInOneLine() {
        Run notBase64 = Run.of("connect", "--i2cp", "127.0.0.1:7654", "i2p:not*base64");
        Run base32 = Run.of("connect", "--i2cp", "127.0.0.1:7654", "i2p:" + I2pKeys.generate().base32().substring(1));
        Run noEquals = Run.of("connect", "--i2cp", "127.0.0.1:7654", "--i2cp-option", "inbound.length", PEER);
        Run noRouterPort = Run.of("connect", "--i2cp", "127.0.0.1", PEER);

        assertThat(notBase64.err()).startsWith("ministreaming: Invalid value for positional parameter at index 0 (DEST):"
                + " not an I2P destination: 'i2p:not*base64'");
        assertThat(base32.err()).contains("is not an I2P name: expected i2p:<52 Base32 characters>.b32.i2p or i2p:HOST.i2p");
        assertThat(noEquals.err()).isEqualTo("ministreaming: Invalid value for option '--i2cp-option' (NAME=VALUE):"
                + " 'inbound.length' is not NAME=VALUE, like inbound.length=0 (see 'ministreaming connect --help')\n");
        assertThat(noRouterPort.err()).startsWith("ministreaming: Invalid value for option '--i2cp': '127.0.0.1' is not HOST:PORT");
        for (Run run : new Run[] {notBase64, base32, noEquals, noRouterPort}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).hasLineCount(1);
        }
    }

    @Test
    void noRouterAtTheAddressHasItsOwnExitCode() throws Exception {
        String router = "127.0.0.1:" + closedPort();
        Run connect = Run.of("connect", "--i2cp", router, PEER);
        Run server = Run.of("server", "--i2cp", router, "--forward", "127.0.0.1:80");

        for (Run run : new Run[] {connect, server}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.TRANSPORT_UNAVAILABLE);
            assertThat(I2pArgs.withoutProgress(run.err())).isEqualTo("ministreaming: cannot reach the I2P router at " + router
                    + ": Connection refused (is it running, with I2CP on that port?)\n");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void aNewKeyFileIsAnnouncedEvenWhenTheRouterIsMissing() throws Exception {
        Path keys = dir.resolve("new.dat");

        Run run = Run.of("connect", "--i2cp", "127.0.0.1:" + closedPort(), "--keys", keys.toString(), PEER);

        I2pKeys created = I2pKeys.load(keys);
        assertThat(run.exitCode()).isEqualTo(ExitCodes.TRANSPORT_UNAVAILABLE);
        assertThat(I2pArgs.withoutProgress(run.err())).startsWith("new I2P keys in " + keys + ", destination " + created.destination()
                + " (" + created.base32() + ")\nministreaming: cannot reach the I2P router at ");
    }

    @Test
    void aKeyFileThatHoldsNoKeysIsAnIoError() throws Exception {
        Path keys = Files.writeString(dir.resolve("bad.dat"), "no keys here");

        Run run = Run.of("connect", "--i2cp", "127.0.0.1:" + closedPort(), "--keys", keys.toString(), PEER);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).startsWith("ministreaming: '" + keys + "' is not an I2P private key file: ").hasLineCount(1);
    }

    @Test
    void aKeyFileWithMoreAfterTheKeysIsAnIoErrorBeforeAnySession() throws Exception {
        Path keys = dir.resolve("padded.dat");
        I2pKeys.generate().write(keys);
        Files.write(keys, new byte[1000], java.nio.file.StandardOpenOption.APPEND);

        Run run = Run.of("listen", "--i2cp", "127.0.0.1:" + closedPort(), "--keys", keys.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).startsWith("ministreaming: '" + keys + "' is not an I2P private key file: the keys end after ")
                .endsWith(" bytes, and 1000 more follow\n").hasLineCount(1);
    }

    @Test
    void anExistingKeyFileIsUsedQuietly() throws Exception {
        Path keys = dir.resolve("old.dat");
        I2pKeys.generate().write(keys);
        byte[] before = Files.readAllBytes(keys);

        Run run = Run.of("listen", "--i2cp", "127.0.0.1:" + closedPort(), "--keys", keys.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.TRANSPORT_UNAVAILABLE);
        assertThat(I2pArgs.withoutProgress(run.err())).startsWith("ministreaming: cannot reach the I2P router at ").hasLineCount(1);
        assertThat(Files.readAllBytes(keys)).isEqualTo(before);
    }

    @Test
    void aDirectoryIsNoKeyFile() throws Exception {
        Run run = Run.of("connect", "--i2cp", "127.0.0.1:" + closedPort(), "--keys", dir.toString(), PEER);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).isEqualTo("ministreaming: cannot read the key file " + dir + ": it is a directory\n");
    }

    @Test
    void aStopEndsTheWaitForTheRouter() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cli listen = Cli.start("listen", "--i2cp", "127.0.0.1:" + silent.getLocalPort())) {
            silent.setSoTimeout((int) Cli.TIMEOUT.toMillis());
            try (Socket session = silent.accept()) {
                session.setSoTimeout((int) Cli.TIMEOUT.toMillis());
                assertThat(session.getInputStream().read()).as("the client library opened I2CP with its protocol byte").isEqualTo(0x2A);
                long start = System.nanoTime();
                assertThat(listen.stop()).isEqualTo(ExitCodes.OK);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
            assertThat(I2pArgs.withoutProgress(listen.err.text())).isEmpty();
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
