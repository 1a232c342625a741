package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;

/** {@code listen} and {@code connect} in-process, over loopback TCP and TLS. */
@Timeout(60)
class NetcatTest {

    private static final byte[] NOTHING = new byte[0];

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void movesBytesIntactFromConnectToListen() throws Exception {
        byte[] data = TestData.random(3 << 20);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(NOTHING, received), "listen", "--listen", "tcp://127.0.0.1:0")) {
            String destination = listen.listeningOnErr();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try (Cli connect = Cli.start(TestData.streams(data, answer), "connect", destination)) {
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.OK);
            }
            assertThat(listen.awaitExit()).as(listen.err.text()).isEqualTo(ExitCodes.OK);
            assertThat(answer.size()).isZero();
        }
        assertThat(received.toByteArray()).isEqualTo(data);
    }

    @Test
    void connectWaitsForTheAnswerWithQuitAfter() throws Exception {
        byte[] greeting = "hello from listen\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(greeting, received), "listen", "-q", "0", "--listen", "tcp://127.0.0.1:0")) {
            String destination = listen.listeningOnErr();
            try (Cli connect = Cli.start(TestData.streams(NOTHING, answer), "connect", "-q", "-1", destination)) {
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.OK);
            }
            assertThat(listen.awaitExit()).as(listen.err.text()).isEqualTo(ExitCodes.OK);
        }
        assertThat(answer.toByteArray()).isEqualTo(greeting);
        assertThat(received.size()).isZero();
    }

    @Test
    void worksOverTlsWithThePrintedFingerprint() throws Exception {
        byte[] data = TestData.random(100_000);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(NOTHING, received), "listen", "--listen", "tls://127.0.0.1:0")) {
            String fingerprint = listen.err.await(Pattern.compile("certificate fingerprint \\(SHA-256, for --pin\\): (\\S+)"),
                    Cli.TIMEOUT).group(1);
            String destination = listen.listeningOnErr();
            assertThat(destination).startsWith("tls://127.0.0.1:");
            try (Cli connect = Cli.start(TestData.streams(data, new ByteArrayOutputStream()), "connect", "--pin", fingerprint, destination)) {
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.OK);
            }
            assertThat(listen.awaitExit()).as(listen.err.text()).isEqualTo(ExitCodes.OK);
        }
        assertThat(received.toByteArray()).isEqualTo(data);
    }

    @Test
    void aWrongPinIsAClearErrorAndNoByteReachesTheListener() throws Exception {
        String wrongPin = "AB:".repeat(31) + "AB";
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Cli listen = Cli.start(TestData.streams(NOTHING, received), "listen", "--listen", "tls://127.0.0.1:0")) {
            String fingerprint = listen.err.await(Pattern.compile("certificate fingerprint \\(SHA-256, for --pin\\): (\\S+)"),
                    Cli.TIMEOUT).group(1);
            assertThat(fingerprint).isNotEqualToIgnoringCase(wrongPin);
            String destination = listen.listeningOnErr();
            try (Cli connect = Cli.start(TestData.streams("secret".getBytes(StandardCharsets.US_ASCII), new ByteArrayOutputStream()),
                    "connect", "--pin", wrongPin, destination)) {
                assertThat(connect.awaitExit()).isEqualTo(ExitCodes.UNREACHABLE);
                assertThat(connect.err.text()).isEqualTo("ministreaming: cannot connect to " + destination
                        + ": the server's certificate " + fingerprint + " is not pinned\n");
                assertThat(connect.out.text()).isEmpty();
            }
            assertThat(listen.stop()).isEqualTo(ExitCodes.OK);
        }
        assertThat(received.size()).isZero();
    }

    @Test
    void traceShowsEveryMessageAfterThePeer() throws Exception {
        byte[] data = "hi".getBytes(StandardCharsets.US_ASCII);
        try (Cli listen = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()), "listen", "--listen", "tcp://127.0.0.1:0")) {
            String destination = listen.listeningOnErr();
            try (Cli connect = Cli.start(TestData.streams(data, new ByteArrayOutputStream()), "--trace", "connect", destination)) {
                assertThat(connect.awaitExit()).isEqualTo(ExitCodes.OK);
                String peer = Pattern.quote(destination);
                assertThat(connect.err.text().lines().toList()).satisfiesExactly(
                        syn -> assertThat(syn).matches(peer + " C->S A1 (\\p{XDigit}{2} ){3}74 63 70 3A 2D .* \\(SYN, client id .*, 5 bytes of destination, credit window 262144\\)"),
                        ack -> assertThat(ack).matches(peer + " S->C 51 .* \\(ACK, client id .*, server id .*, credit window 262144\\)"),
                        sent -> assertThat(sent).matches(peer + " C->S A0 (\\p{XDigit}{2} ){3}68 69 +\\(data, 2 bytes\\)"),
                        close -> assertThat(close).matches(peer + " C->S A2 \\p{XDigit}{2} \\p{XDigit}{2} \\p{XDigit}{2} +\\(close\\)"));
            }
            assertThat(listen.awaitExit()).isEqualTo(ExitCodes.OK);
            assertThat(listen.err.text()).doesNotContain("C->S");
        }
    }

    @Test
    void aRefusingPeerHasItsOwnExitCode() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (Cli connect = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()), "connect", "tcp://127.0.0.1:" + port)) {
            assertThat(connect.awaitExit()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(connect.err.text()).isEqualTo("ministreaming: cannot connect to tcp://127.0.0.1:" + port + ": Connection refused\n");
        }
    }

    @Test
    void aPeerThatAnswersWithSomethingElseIsUnreachableAndNamedSo() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Cli connect = Cli.start(TestData.streams("hi\n".getBytes(StandardCharsets.US_ASCII), new ByteArrayOutputStream()),
                     "connect", "tcp://127.0.0.1:" + http.getLocalPort())) {
            http.setSoTimeout((int) Cli.TIMEOUT.toMillis());
            try (java.net.Socket dialled = http.accept()) {
                dialled.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(connect.awaitExit()).as(connect.err.text()).isEqualTo(ExitCodes.UNREACHABLE);
            }
            assertThat(connect.err.text()).isEqualTo("ministreaming: cannot connect to tcp://127.0.0.1:" + http.getLocalPort()
                    + ": bad frame length 0x48545450 (1213486160); a frame holds 1 to 65536 bytes:"
                    + " not a ministreaming peer? its bytes read 'HTTP'\n");
            assertThat(connect.out.text()).isEmpty();
        }
    }

    @Test
    void aPortInUseHasItsOwnExitCode() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            try (Cli listen = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()),
                    "listen", "--listen", "tcp://127.0.0.1:" + taken.getLocalPort())) {
                assertThat(listen.awaitExit()).isEqualTo(ExitCodes.CANNOT_LISTEN);
                assertThat(listen.err.text()).startsWith("ministreaming: cannot listen at tcp://127.0.0.1:" + taken.getLocalPort() + ": ")
                        .hasLineCount(1);
            }
        }
    }

    /** Checked where the bind fails (the port is taken on loopback), so that the test never listens beyond loopback. */
    @Test
    void aWildcardAddressIsWarnedOf() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String wildcard = "tcp://0.0.0.0:" + taken.getLocalPort();
            try (Cli listen = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()), "listen", "--listen", wildcard)) {
                assertThat(listen.awaitExit()).isEqualTo(ExitCodes.CANNOT_LISTEN);
                assertThat(listen.err.text().lines().findFirst()).hasValue("ministreaming: warning: " + wildcard
                        + " is a wildcard address: peers are told this destination and cannot dial it again after a lost link;"
                        + " give the name or address they dial");
            }
        }
    }

    @Test
    void stopEndsAListenThatWaits() throws Exception {
        try (Cli listen = Cli.start(TestData.streams(NOTHING, new ByteArrayOutputStream()), "listen", "--listen", "tcp://127.0.0.1:0")) {
            listen.listeningOnErr();
            assertThat(listen.stop()).isEqualTo(ExitCodes.OK);
        }
    }
}
