package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/**
 * What a link's end says on the log at the levels a library's user sees by default (INFO and
 * above): nothing for the routine ends whose news reaches the code that needs it anyway (a peer
 * that closed the link, a dial the caller's send hears fail, a dialled link whose peer never
 * says its hello), a warning for a peer that breaks the framing.
 */
class LinkLogLevelsTest extends TcpFixture {

    private final RecordingReceiver atServer = new RecordingReceiver();
    private TcpTransport server;

    @BeforeEach
    void aServer() throws IOException {
        server = listening(atServer);
    }

    @Test
    void aPeerThatClosesTheLinkIsNoNewsAtInfo() throws IOException {
        RawPeer raw = rawConnect(server.localDestination());
        raw.hello("-");
        raw.socket.close();

        assertThat(atServer.nextLoss(raw.anonymousName()).lost()).hasMessageContaining("closed the link");
        assertThat(logged(Level.INFO, "closed the link")).isEmpty();
    }

    @Test
    void aDialThatFailsIsTheCallersNewsNotTheLogs() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        TcpTransport client = client(new RecordingReceiver());

        assertThatThrownBy(() -> client.send(Destination.of("tcp://127.0.0.1:" + port), text("hello")))
                .isInstanceOf(ConnectException.class);
        assertThat(logged(Level.INFO, "127.0.0.1:" + port)).isEmpty();
    }

    @Test
    void aDialledPeerThatNeverSendsItsHelloIsTheCallersNewsNotTheLogs() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start("silent-peer", () -> {
                try (java.net.Socket accepted = silent.accept()) {
                    accepted.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException stopped) {
                    // The test closed the server socket or the link.
                }
            });
            RecordingReceiver atClient = new RecordingReceiver();
            TcpTransport client = started(TcpTransport.plain().connectTimeout(java.time.Duration.ofMillis(300)), atClient);
            Destination peer = Destination.of("tcp://127.0.0.1:" + silent.getLocalPort());

            client.send(peer, text("hello"));

            assertThat(atClient.nextLoss(peer).lost()).hasMessageContaining("no hello within 300 ms");
            assertThat(logged(Level.INFO, "127.0.0.1:" + silent.getLocalPort())).isEmpty();
        }
    }

    @Test
    void aPeerThatBreaksTheFramingIsStillAWarning() throws IOException {
        RawPeer raw = rawConnect(server.localDestination());
        raw.hello("-").raw(new byte[] {0, 0, 0, 0});

        assertThat(atServer.nextLoss(raw.anonymousName()).lost()).hasMessageContaining("bad frame length");
        assertThat(logged(Level.WARNING, "bad frame length")).hasSize(1);
    }
}
