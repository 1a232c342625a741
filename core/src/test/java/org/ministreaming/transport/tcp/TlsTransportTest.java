package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.StreamManager;
import org.ministreaming.RandomTransfers;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.Counter;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;

/** {@code tls://} links: TLS 1.3, the server's key, and the client's pin. */
class TlsTransportTest extends TcpFixture {

    @Test
    void withTheRightPinMessagesFlowBothWays() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);
        String fingerprint = server.certificateFingerprint().orElseThrow();
        TcpTransport client = started(TcpTransport.tls().pin(fingerprint.toLowerCase().replace(":", "")), atClient);

        assertThat(server.localDestination().uri()).matches("tls://127\\.0\\.0\\.1:[1-9][0-9]*");
        assertThat(client.localDestination()).isEqualTo(Destination.of("tls:-"));
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        for (int i = 0; i < 50; i++) {
            client.send(server.localDestination(), text("up " + i));
        }
        Destination from = null;
        for (int i = 0; i < 50; i++) {
            Event event = atServer.next();
            assertThat(event.text()).isEqualTo("up " + i);
            from = event.from();
        }
        assertThat(from.uri()).startsWith("tls://-@127.0.0.1:");
        server.send(from, text("down"));
        assertThat(atClient.nextText(server.localDestination())).isEqualTo("down");
    }

    @Test
    void managersMoveRandomDataOverTlsIntact() throws Exception {
        StreamOptions options = RandomTransfers.options(10);
        TcpTransport serverTransport = TcpTransport.tls().listen(LOOPBACK_TLS).build();
        StreamManager server = closeLater(StreamManager.open(serverTransport, options));
        StreamManager client = closeLater(StreamManager.open(
                TcpTransport.tls().pin(serverTransport.certificateFingerprint().orElseThrow()).build(), options));

        RandomTransfers.run(server, client, 10, 256 * 1024);
    }

    @Test
    void withAWrongPinTheDialFailsAndNothingIsDelivered() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);
        TcpTransport client = started(TcpTransport.tls().pin("AB".repeat(32)), new RecordingReceiver());

        assertThatThrownBy(() -> client.send(server.localDestination(), text("secret")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining(server.localDestination().uri())
                .hasCauseInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("not pinned");
        Event loss = atServer.next();
        assertThat(loss.isLoss()).as("the server only hears that the failed link ended: %s", loss).isTrue();
        assertThat(loss.from().uri()).startsWith("tls://-@");
        assertThat(client.peers()).isEmpty();
        atServer.assertQuiet();
    }

    @Test
    void withAWrongPinAManagersConnectFailsWithAClearErrorAndNoConnectionIsMade() throws Exception {
        StreamOptions options = RandomTransfers.options(10);
        TcpTransport serverTransport = TcpTransport.tls().listen(LOOPBACK_TLS).build();
        StreamManager server = closeLater(StreamManager.open(serverTransport, options));
        StreamServerSocket serverSocket = server.serverSocket();
        StreamManager client = closeLater(StreamManager.open(TcpTransport.tls().pin("AB".repeat(32)).build(), options));

        assertThatThrownBy(() -> client.connect(server.localDestination()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining(server.localDestination().uri())
                .hasMessageContaining("not pinned")
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
        assertThatThrownBy(() -> serverSocket.accept(Duration.ofMillis(100)))
                .as("no connection reached the server").isInstanceOf(SocketTimeoutException.class);
        assertThat(server.statistics().get(Counter.MESSAGES_RECEIVED)).isZero();
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeFailsTheDialAtTheConnectTimeoutAndNoPeerIsLost() throws IOException {
        java.net.ServerSocket silent = rawServer(); // the kernel accepts; nobody ever speaks TLS
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = started(TcpTransport.tls().pin("AB".repeat(32)).connectTimeout(Duration.ofSeconds(1)), atClient);
        Destination to = Destination.of("tls://127.0.0.1:" + silent.getLocalPort());

        // Two deadlines of the same length end such a dial, whichever the loop meets first: the
        // dial's wait for the handshake, and the link's for the handshake and the hello.
        assertThatThrownBy(() -> client.send(to, text("x")))
                .isInstanceOf(ConnectException.class).hasMessageContaining(to.uri())
                .satisfiesAnyOf(
                        e -> assertThat(e).hasCauseInstanceOf(SocketTimeoutException.class)
                                .hasMessageContaining("TLS handshake was not done in time"),
                        e -> assertThat(e).hasCauseInstanceOf(BadPeerException.class)
                                .hasMessageContaining("no TLS handshake and hello within 1000 ms"));
        assertThat(client.peers()).isEmpty();
        atClient.assertQuiet();
    }

    @Test
    void aClientWithoutPinsTrustsNoServer() throws IOException {
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), new RecordingReceiver());
        TcpTransport client = started(TcpTransport.tls(), new RecordingReceiver());

        assertThatThrownBy(() -> client.send(server.localDestination(), text("x")))
                .isInstanceOf(ConnectException.class).hasMessageContaining("no fingerprint is pinned");
    }

    @Test
    void theServerSpeaksTls13OnlyWithTheSameFramingInside() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);
        java.net.URI address = java.net.URI.create(server.localDestination().uri());
        PinnedTrustManager pinned = new PinnedTrustManager(Set.of(Fingerprints.canonical(server.certificateFingerprint().orElseThrow())));

        SSLContext tls12 = SSLContext.getInstance("TLSv1.2");
        tls12.init(null, new TrustManager[] {pinned}, null);
        try (SSLSocket old = (SSLSocket) tls12.getSocketFactory().createSocket(address.getHost(), address.getPort())) {
            old.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(old::startHandshake).isInstanceOf(SSLException.class);
        }
        assertThat(atServer.next().isLoss()).isTrue();

        SSLContext tls13 = SSLContext.getInstance("TLSv1.3");
        tls13.init(null, new TrustManager[] {pinned}, null);
        SSLSocket socket = (SSLSocket) tls13.getSocketFactory().createSocket(address.getHost(), address.getPort());
        RawPeer peer = new RawPeer(socket);
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(new String(peer.readFrame(), US_ASCII)).isEqualTo("MINISTREAMING/1 " + server.localDestination());
        peer.hello("-").frame("inside TLS".getBytes(US_ASCII));
        Event event = atServer.next();
        assertThat(event.text()).isEqualTo("inside TLS");
        assertThat(event.from()).isEqualTo(Destination.of("tls://-@127.0.0.1:" + socket.getLocalPort()));
    }

    @Test
    void aPlainClientGetsNoMessageThroughToATlsServer() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);

        RawPeer plain = rawConnect(server.localDestination());
        plain.hello("-").frame(new byte[] {(byte) 0xA1, 0, 0, 1});
        plain.assertClosedByPeer();
        assertThat(atServer.next().isLoss()).isTrue();
        atServer.assertQuiet();
    }

    @Test
    void aServerPresentsTheKeyFromAPkcs12File(@TempDir Path directory) throws Exception {
        SelfSignedCertificate.KeyAndCertificate issued = SelfSignedCertificate.generate("from a file");
        char[] password = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", issued.key(), password, new Certificate[] {issued.certificate()});
        Path file = directory.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        String expected = Fingerprints.of(issued.certificate());

        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS).keyStore(file, password), atServer);
        assertThat(server.certificateFingerprint()).contains(expected);
        TcpTransport client = started(TcpTransport.tls().pin(expected), new RecordingReceiver());
        client.send(server.localDestination(), text("pinned"));
        assertThat(atServer.next().text()).isEqualTo("pinned");
    }

    @Test
    void aKeyStoreWithoutExactlyOneKeyIsRefused(@TempDir Path directory) throws Exception {
        char[] password = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Path file = directory.resolve("empty.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        assertThatThrownBy(() -> TcpTransport.tls().listen(LOOPBACK_TLS).keyStore(file, password).build())
                .isInstanceOf(IOException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> TcpTransport.tls().listen(LOOPBACK_TLS).keyStore(directory.resolve("missing.p12"), password).build())
                .isInstanceOf(IOException.class);
    }

    @Test
    void aFileThatIsNoKeyStoreIsAnErrorThatSaysSo(@TempDir Path directory) throws Exception {
        Path garbage = directory.resolve("unreadable.dat");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThatThrownBy(() -> TcpTransport.tls().listen(LOOPBACK_TLS).keyStore(garbage, "changeit".toCharArray()).build())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot use the key store " + garbage + ": it is not a PKCS12 key store that this password opens (")
                .hasMessageNotContaining("null");
    }

    @Test
    void eachGeneratedKeyIsNew() throws IOException {
        TcpTransport one = closeLater(TcpTransport.tls().listen(LOOPBACK_TLS).build());
        TcpTransport two = closeLater(TcpTransport.tls().listen(LOOPBACK_TLS).build());
        assertThat(one.certificateFingerprint()).isNotEqualTo(two.certificateFingerprint());
        assertThat(closeLater(TcpTransport.tls().build()).certificateFingerprint()).isEmpty();
    }
}
