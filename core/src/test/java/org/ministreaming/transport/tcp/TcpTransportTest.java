package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;

/** Links, the hello, destinations and close, between transports on loopback. */
class TcpTransportTest extends TcpFixture {

    @Test
    void aListeningTransportReportsTheBoundPortAndOneThatDoesNotListenReportsTcpDash() throws IOException {
        TcpTransport server = listening(new RecordingReceiver());
        TcpTransport client = client(new RecordingReceiver());

        assertThat(server.localDestination().uri()).matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*");
        assertThat(server.synPayload()).isEqualTo(server.localDestination().uri().getBytes(US_ASCII));
        assertThat(client.localDestination()).isEqualTo(Destination.of("tcp:-"));
        assertThat(server.certificateFingerprint()).isEmpty();
    }

    @Test
    void messagesFlowBothWaysInOrderOverOneLink() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = listening(atClient);

        for (int i = 0; i < 100; i++) {
            client.send(server.localDestination(), text("to server " + i));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(atServer.nextText(client.localDestination())).isEqualTo("to server " + i);
        }
        for (int i = 0; i < 100; i++) {
            server.send(client.localDestination(), text("to client " + i));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(atClient.nextText(server.localDestination())).isEqualTo("to client " + i);
        }

        assertThat(client.peers()).containsExactly(server.localDestination());
        assertThat(server.peers()).as("the server answered over the client's link").containsExactly(client.localDestination());
        assertThat(ThreadLeaks.live(TCP_THREADS)).as("plain links: one loop thread per endpoint, none per link")
                .filteredOn(name -> name.contains("-links-")).hasSize(2);
        assertThat(ThreadLeaks.live(TCP_THREADS)).noneMatch(name -> name.contains("-reader-") || name.contains("-writer-"));
    }

    @Test
    void aMessageSentInTwoPartsArrivesAsOneInOrderWithTheOthers() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(new RecordingReceiver());

        client.send(server.localDestination(), text("one"));
        client.send(server.localDestination(), text("head:"), text("and payload"));
        client.send(server.localDestination(), text("three"));

        assertThat(atServer.next().text()).isEqualTo("one");
        assertThat(atServer.next().text()).isEqualTo("head:and payload");
        assertThat(atServer.next().text()).isEqualTo("three");
    }

    @Test
    void twoPartsLongerThanAFrameAreRefusedLikeOneMessage() throws IOException {
        TcpTransport server = listening(new RecordingReceiver());
        TcpTransport client = client(new RecordingReceiver());

        assertThatThrownBy(() -> client.send(server.localDestination(), ByteBuffer.allocate(Frames.MAX_LENGTH), text("x")))
                .isInstanceOf(IOException.class).hasMessageContaining("65537 bytes");
    }

    @Test
    void aClientThatDoesNotListenIsAnsweredOverItsLinkUnderItsRemoteAddress() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(atClient);

        client.send(server.localDestination(), text("ping"));
        Event ping = atServer.next();
        assertThat(ping.text()).isEqualTo("ping");
        assertThat(ping.from().uri()).matches("tcp://-@127\\.0\\.0\\.1:[1-9][0-9]*");

        server.send(ping.from(), text("pong"));
        assertThat(atClient.nextText(server.localDestination())).isEqualTo("pong");
    }

    @Test
    void theHelloIsTheFirstFrameEachWay() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);

        RawPeer raw = rawConnect(server.localDestination());
        assertThat(raw.readFrame()).isEqualTo(("MINISTREAMING/1 " + server.localDestination().uri()).getBytes(US_ASCII));
        raw.hello("-").frame("after the hello".getBytes(US_ASCII));
        assertThat(atServer.nextText(raw.anonymousName())).isEqualTo("after the hello");

        ServerSocket listener = rawServer();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = client(atClient);
        client.send(destinationOf(listener), text("first message"));
        RawPeer accepted = new RawPeer(listener.accept());
        assertThat(accepted.readFrame()).isEqualTo("MINISTREAMING/1 -".getBytes(US_ASCII));
        assertThat(accepted.readText()).isEqualTo("first message");
        accepted.hello(destinationOf(listener).uri()).frame("answer".getBytes(US_ASCII));
        assertThat(atClient.nextText(destinationOf(listener))).isEqualTo("answer");
    }

    @Test
    void theHelloOfAListeningClientNamesItsDestinationAndKeysTheLink() throws IOException {
        ServerSocket listener = rawServer();
        TcpTransport client = listening(new RecordingReceiver());

        client.send(destinationOf(listener), text("x"));
        RawPeer accepted = new RawPeer(listener.accept());
        assertThat(new String(accepted.readFrame(), US_ASCII)).isEqualTo("MINISTREAMING/1 " + client.localDestination());
    }

    @Test
    void aNewerLinkNamingADestinationThatHasALinkIsKnownByItsAddress() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = listening(atClient);
        client.send(server.localDestination(), text("over the first link"));
        assertThat(atServer.nextText(client.localDestination())).isEqualTo("over the first link");

        // A second link that names the client, as the client's own dial would in a simultaneous open.
        RawPeer second = rawConnect(server.localDestination());
        second.hello(client.localDestination().uri()).frame("over the second link".getBytes(US_ASCII));
        assertThat(atServer.nextText(second.anonymousName())).isEqualTo("over the second link");

        server.send(second.anonymousName(), text("reply on the second link"));
        server.send(client.localDestination(), text("reply on the first link"));
        second.readFrame();
        assertThat(second.readText()).isEqualTo("reply on the second link");
        assertThat(atClient.nextText(server.localDestination())).isEqualTo("reply on the first link");

        second.kill();
        atServer.nextLoss(second.anonymousName());
        client.send(server.localDestination(), text("the first link lives on"));
        assertThat(atServer.nextText(client.localDestination())).isEqualTo("the first link lives on");
    }

    @Test
    void simultaneousDialsLeaveEveryMessageDeliveredInOrderAndEveryReplyAnswered() throws Exception {
        for (int round = 0; round < 5; round++) {
            RecordingReceiver atA = new RecordingReceiver();
            RecordingReceiver atB = new RecordingReceiver();
            TcpTransport a = listening(atA);
            TcpTransport b = listening(atB);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (TcpTransport[] pair : new TcpTransport[][] {{a, b}, {b, a}}) {
                senders.add(start("dial-" + pair[0].localDestination(), () -> {
                    try {
                        go.await();
                        for (int i = 0; i < 20; i++) {
                            pair[0].send(pair[1].localDestination(), text("m" + i));
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            go.countDown();
            for (Thread sender : senders) {
                sender.join();
            }
            for (RecordingReceiver recorder : List.of(atA, atB)) {
                Destination from = null;
                for (int i = 0; i < 20; i++) {
                    Event event = recorder.next();
                    assertThat(event.text()).isEqualTo("m" + i);
                    from = from == null ? event.from() : from;
                    assertThat(event.from()).as("all from one link").isEqualTo(from);
                }
            }
            a.send(b.localDestination(), text("after"));
            assertThat(atB.next().text()).isEqualTo("after");
            resources.remove(a);
            resources.remove(b);
            a.close();
            b.close();
        }
    }

    @Test
    void aLaterSendAfterALinkDroppedDialsANewLink() throws IOException {
        ServerSocket listener = rawServer();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = client(atClient);
        Destination peer = destinationOf(listener);

        client.send(peer, text("one"));
        RawPeer first = new RawPeer(listener.accept());
        first.readFrame();
        assertThat(first.readText()).isEqualTo("one");
        first.kill();
        Event loss = atClient.nextLoss(peer);
        assertThat(loss.lost()).isInstanceOf(IOException.class);

        client.send(peer, text("two"));
        RawPeer second = new RawPeer(listener.accept());
        second.readFrame();
        assertThat(second.readText()).isEqualTo("two");
    }

    @Test
    void aDialThatFailsThrowsConnectExceptionNamingTheDestination() throws IOException {
        TcpTransport client = client(new RecordingReceiver());
        ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Destination nobody = destinationOf(closed);
        closed.close();

        assertThatThrownBy(() -> client.send(nobody, text("x")))
                .isInstanceOf(ConnectException.class).hasMessageContaining(nobody.uri());
        assertThat(client.peers()).isEmpty();
    }

    @Test
    void destinationsThatCannotBeDialledAreRefused() throws IOException {
        TcpTransport client = client(new RecordingReceiver());

        for (String uri : List.of("mem:bob", "tcp:-", "tls://127.0.0.1:1", "tcp://127.0.0.1:0", "tcp://127.0.0.1", "tcp://127.0.0.1:1/path")) {
            assertThatThrownBy(() -> client.send(Destination.of(uri), text("x")))
                    .as(uri).isInstanceOf(ConnectException.class).hasMessageContaining(uri);
        }
        assertThatThrownBy(() -> client.send(Destination.of("tcp://-@127.0.0.1:5000"), text("x")))
                .isInstanceOf(ConnectException.class).hasMessageContaining("does not listen");
    }

    @Test
    void messagesThatDoNotFitAFrameAreRefusedWithoutHarmingTheLink() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(new RecordingReceiver());

        assertThatThrownBy(() -> client.send(server.localDestination(), ByteBuffer.allocate(Frames.MAX_LENGTH + 1)))
                .isInstanceOf(IOException.class).hasMessageContaining("65537");
        assertThatThrownBy(() -> client.send(server.localDestination(), ByteBuffer.allocate(0)))
                .isInstanceOf(IOException.class);
        client.send(server.localDestination(), ByteBuffer.allocate(Frames.MAX_LENGTH));
        assertThat(atServer.next().bytes()).hasSize(Frames.MAX_LENGTH);
    }

    @Test
    void closeSendsWhatIsQueuedThenEndsTheLinkAndLeavesNoThread() throws IOException {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = closeLater(TcpTransport.plain().build());
        client.start(new RecordingReceiver());

        for (int i = 0; i < 50; i++) {
            client.send(server.localDestination(), text("queued " + i));
        }
        client.close();
        Destination from = null;
        for (int i = 0; i < 50; i++) {
            Event event = atServer.next();
            assertThat(event.text()).isEqualTo("queued " + i);
            from = event.from();
        }
        atServer.nextLoss(from);
        assertThatThrownBy(() -> client.send(server.localDestination(), text("late")))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");

        server.close();
        ThreadLeaks.assertNoneLeft(TCP_THREADS);
        client.close();
    }

    @Test
    void closeBeforeStartAndTwiceIsHarmless() throws IOException {
        TcpTransport transport = TcpTransport.plain().listen(LOOPBACK).build();
        transport.close();
        transport.close();
        assertThatThrownBy(() -> transport.start(new RecordingReceiver())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBuilderChecksItsSettings() {
        assertThatThrownBy(() -> TcpTransport.plain().listen("tls://127.0.0.1:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().listen("tcp://127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().listen("tcp://127.0.0.1:70000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().pin("00".repeat(32))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TcpTransport.tls().pin("not hex")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().sendQueueBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().connectTimeout(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().linkBufferBytes(TcpTransportBuilder.MIN_LINK_BUFFER_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linkBufferBytes");
        assertThatThrownBy(() -> TcpTransport.plain().linkBufferBytes(TcpTransportBuilder.MAX_LINK_BUFFER_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linkBufferBytes");
        assertThatThrownBy(() -> TcpTransport.tls().keyStore(java.nio.file.Path.of("k.p12"), new char[0]).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anIpv6ListenAddressKeepsItsBrackets() throws IOException {
        TcpTransport transport;
        try {
            transport = closeLater(TcpTransport.plain().listen("tcp://[::1]:0").build());
        } catch (IOException noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
            return;
        }
        assertThat(transport.localDestination().uri()).matches("tcp://\\[::1\\]:[1-9][0-9]*");
    }
}
