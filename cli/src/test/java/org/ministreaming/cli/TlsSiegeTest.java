package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * The server tunnel under siege over TLS, where the link loop drives each link's TLS engine and
 * its handshake runs on the loop's one handshake thread: connections that never begin the
 * handshake, bytes that are not TLS, idle TLS links beyond the bound per address, a frame
 * trickled in one-byte records, and connections that flood the stalled service (the connections
 * that only hold it test the tunnel, whatever the link: {@link SiegeTest} has them). As in
 * {@link SiegeTest} (at its CI scale: a 64 MiB heap, short deadlines), a legitimate peer, which
 * pins the server's certificate, is served during each attack, and after it the child's threads
 * and sockets are back near their baseline.
 */
@Timeout(600)
class TlsSiegeTest extends SiegeFixture {

    private static final List<String> OPTIONS = List.of("--max-links-per-address", "40", "--frame-timeout", "2", "--link-idle-timeout", "3");
    private static final int THREAD_SLACK = 6;

    @Override
    TcpTransport peerTransport() throws IOException {
        return TcpTransport.tls().pin(server.fingerprint()).build();
    }

    @Test
    void theTlsServerSurvivesEachAttackServesALegitimatePeerAndGivesEverythingBack() throws Exception {
        startServer("-Xmx64m", "tls://127.0.0.1:0", OPTIONS, THREAD_SLACK);

        phase("silent connections", () -> silentConnectionsAreClosedAtTheHelloDeadline(100));
        phase("not TLS", () -> bytesThatAreNotTlsEndTheirLinkAtOnce(20));
        phase("idle TLS links", () -> idleTlsLinksFromOneAddressAreBoundedAndClosed(120));
        phase("slowloris in one-byte records", () -> aTrickledFrameIsCut(handshook(own(tlsSocket("127.0.0.3")))));
        phase("flood into a stalled service", () -> dataFloodedIntoAStalledService(2, 20));

        assertServes("at the end");
        assertThat(server.isAlive()).as("the server is still running").isTrue();
    }

    /** Connections from four addresses that never send a ClientHello: each is closed by the hello deadline (10 s). */
    private void silentConnectionsAreClosedAtTheHelloDeadline(int count) throws Exception {
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = own(new Socket());
            socket.bind(new InetSocketAddress("127.0.2." + (1 + i % 4), 0));
            socket.connect(server.address(), 10_000);
            silent.add(socket);
        }
        assertServes("while " + count + " connections stay silent");
        server.notePeak();
        for (Socket socket : silent) {
            SiegedServer.assertClosedByServer(socket);
            socket.close();
        }
        server.assertBackToBaseline(count + " silent connections");
    }

    /** Connections that send an HTTP request where the ClientHello belongs: each is closed at once. */
    private void bytesThatAreNotTlsEndTheirLinkAtOnce(int count) throws Exception {
        List<Socket> plain = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = own(new Socket());
            socket.connect(server.address(), 10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
            plain.add(socket);
        }
        server.notePeak();
        for (Socket socket : plain) {
            SiegedServer.assertClosedByServer(socket);
            socket.close();
        }
        assertServes("after " + count + " connections that were not TLS");
        server.assertBackToBaseline(count + " connections that were not TLS");
    }

    /**
     * TLS links from one address that connect, then shake hands, say hello and then nothing: those
     * beyond the bound per address are refused, the others closed by the idle deadline.
     */
    private void idleTlsLinksFromOneAddressAreBoundedAndClosed(int count) throws Exception {
        List<SSLSocket> idle = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            idle.add(own(tlsSocket("127.0.1.1"))); // all connected first: the bound is met before any handshake
        }
        List<SSLSocket> accepted = new ArrayList<>();
        for (SSLSocket socket : idle) {
            try {
                socket.startHandshake();
                socket.getOutputStream().write(SiegedServer.HELLO);
                socket.getOutputStream().flush();
                accepted.add(socket);
            } catch (IOException beyondTheBound) {
                // closed by the server at once, and so by the failed handshake
            }
        }
        assertThat(accepted).as("links beyond the bound of 40 per address are refused").hasSizeLessThanOrEqualTo(40);
        assertServes("during the idle TLS link flood");
        server.notePeak();
        for (SSLSocket socket : accepted) {
            SiegedServer.assertClosedByServer(socket);
            socket.close();
        }
        server.assertBackToBaseline(count + " idle TLS links");
    }

    /** {@code socket} once its handshake is done; each write of it is then one TLS record. */
    private static SSLSocket handshook(SSLSocket socket) throws IOException {
        socket.startHandshake();
        return socket;
    }

    /** A TLS 1.3 client socket from {@code localAddress}, connected, that trusts only the server's certificate. */
    private SSLSocket tlsSocket(String localAddress) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {new OnlyTheServer(server.fingerprint())}, null);
        Socket raw = new Socket();
        raw.bind(new InetSocketAddress(localAddress, 0));
        raw.connect(server.address(), 10_000);
        return (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", server.address().getPort(), true);
    }

    /** Trusts one certificate, by its SHA-256 fingerprint as the server prints it. */
    private record OnlyTheServer(String fingerprint) implements X509TrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                String seen = HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                if (!seen.equalsIgnoreCase(fingerprint)) {
                    throw new CertificateException("not the server's certificate: " + seen);
                }
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
