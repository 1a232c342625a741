package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;

/**
 * A socket driven by hand breaks the framing: each time only its own link ends, with one log
 * record and one lost peer, while a well-behaved link to the same transport keeps working.
 */
class FramingAbuseTest extends TcpFixture {

    /** Something a raw peer does to a transport. */
    @FunctionalInterface
    interface Abuse {
        void on(RawPeer peer) throws IOException;
    }

    private final RecordingReceiver atServer = new RecordingReceiver();
    private final RecordingReceiver atGood = new RecordingReceiver();
    private TcpTransport server;
    private TcpTransport good;

    @BeforeEach
    void aServerWithOneGoodLink() throws IOException {
        server = started(TcpTransport.plain().listen(LOOPBACK).connectTimeout(Duration.ofMillis(500)), atServer);
        good = listening(atGood);
        assertGoodLinkWorks("before");
    }

    static Stream<Arguments> abuses() {
        return Stream.of(
                Arguments.of("a first frame that is not a hello", "not a hello",
                        (Abuse) p -> p.frame("HELLO tcp://127.0.0.1:1".getBytes(US_ASCII))),
                Arguments.of("another protocol version", "not a hello",
                        (Abuse) p -> p.frame("MINISTREAMING/2 -".getBytes(US_ASCII))),
                Arguments.of("a message where the hello belongs", "not a hello",
                        (Abuse) p -> p.frame(new byte[] {(byte) 0xA1, 0, 0, 1, 0x6D})),
                Arguments.of("a hello naming no tcp destination", "neither",
                        (Abuse) p -> p.hello("mem:alice")),
                Arguments.of("a hello with a control byte", "printable",
                        (Abuse) p -> p.frame("MINISTREAMING/1 tcp://a:1\n".getBytes(US_ASCII))),
                Arguments.of("a stream that ends before the hello", "ended before the hello",
                        (Abuse) p -> p.socket.shutdownOutput()),
                Arguments.of("a frame of 65,537 bytes", "0x00010001",
                        (Abuse) p -> p.hello("-").raw(new byte[] {0, 1, 0, 1})),
                Arguments.of("a frame of 65,537 bytes instead of the hello", "0x00010001",
                        (Abuse) p -> p.raw(new byte[] {0, 1, 0, 1})),
                Arguments.of("a TLS ClientHello instead of the hello", "it dialled this plain tcp:// listener as tls://",
                        (Abuse) p -> p.raw(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC, 0x03, 0x03})),
                Arguments.of("a zero length", "0x00000000",
                        (Abuse) p -> p.hello("-").raw(new byte[] {0, 0, 0, 0})),
                Arguments.of("a negative length", "0x80000000",
                        (Abuse) p -> p.hello("-").raw(new byte[] {(byte) 0x80, 0, 0, 0})),
                Arguments.of("a truncated frame, then end of stream", "after 10 of 100 bytes",
                        (Abuse) p -> {
                            p.hello("-").raw(new byte[] {0, 0, 0, 100}).raw(new byte[10]);
                            p.socket.shutdownOutput();
                        }),
                Arguments.of("a truncated length, then end of stream", "after 2 of the 4 length bytes",
                        (Abuse) p -> {
                            p.hello("-").raw(new byte[] {0, 0});
                            p.socket.shutdownOutput();
                        }),
                Arguments.of("no hello in time", "no hello within 500 ms",
                        (Abuse) p -> {
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abuses")
    void abuseEndsOnlyThatLinkWithOneLoggedReasonAndOneLostPeer(String what, String reason, Abuse abuse) throws IOException {
        RawPeer raw = rawConnect(server.localDestination());
        abuse.on(raw);

        raw.assertClosedByPeer();
        Event loss = atServer.nextLoss(raw.anonymousName());
        assertThat(loss.lost()).isInstanceOf(IOException.class).hasMessageContaining(reason);
        assertThat(linkLog).filteredOn(r -> r.getMessage().contains(":" + raw.socket.getLocalPort() + ")"))
                .as("log records about the abusive link").hasSize(1)
                .allSatisfy(r -> assertThat(r.getMessage()).contains(reason));
        assertThat(logged(java.util.logging.Level.WARNING, reason)).hasSize(1);
        atServer.assertQuiet();
        assertGoodLinkWorks("after " + what);
    }

    @Test
    void messagesBeforeTheAbuseArriveAndNothingAfterIt() throws IOException {
        RawPeer raw = rawConnect(server.localDestination());
        raw.hello("-").frame("fine".getBytes(US_ASCII)).raw(new byte[] {0, 0, 0, 0}).frame("never".getBytes(US_ASCII));

        assertThat(atServer.nextText(raw.anonymousName())).isEqualTo("fine");
        atServer.nextLoss(raw.anonymousName());
        raw.assertClosedByPeer();
        atServer.assertQuiet();
        assertGoodLinkWorks("after");
    }

    @Test
    void aDialledPeerThatAnswersWithSomethingElseEndsTheLink() throws IOException {
        ServerSocket listener = rawServer();
        Destination peer = destinationOf(listener);
        server.send(peer, text("hello?"));
        RawPeer notOurs = new RawPeer(listener.accept());
        notOurs.raw("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(US_ASCII));

        Event loss = atServer.nextLoss(peer);
        assertThat(loss.lost()).hasMessageContaining("bad frame length 0x48545450 (1213486160)")
                .hasMessageEndingWith(": not a ministreaming peer? its bytes read 'HTTP'");
        notOurs.assertClosedByPeer();
        assertThat(server.peers()).doesNotContain(peer);
        assertGoodLinkWorks("after");
    }

    private void assertGoodLinkWorks(String when) throws IOException {
        good.send(server.localDestination(), text("good " + when));
        assertThat(atServer.nextText(good.localDestination())).isEqualTo("good " + when);
        server.send(good.localDestination(), text("reply " + when));
        assertThat(atGood.nextText(server.localDestination())).isEqualTo("reply " + when);
    }
}
