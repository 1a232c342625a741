package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.LogCapture;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/**
 * A listening transport under siege: errors that end its threads, more links than it admits,
 * frames trickled a byte at a time and links that carry nothing. Each time the links that behave
 * carry on and a new peer is served.
 */
@Timeout(120)
class LinkSiegeTest extends TcpFixture {

    private final RecordingReceiver atServer = new RecordingReceiver();

    @Test
    void theAcceptLoopSurvivesAnOutOfMemoryErrorAndADefectAndServesTheNextPeer() throws IOException {
        AtomicInteger accepts = new AtomicInteger();
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).acceptHook(socket -> {
            switch (accepts.incrementAndGet()) {
                case 1 -> throw new OutOfMemoryError("injected: no memory for this link");
                case 2 -> throw new IllegalStateException("injected: a defect");
                default -> { }
            }
        }), atServer);

        RawPeer first = rawConnect(server.localDestination());
        first.assertClosedByPeer();
        RawPeer second = rawConnect(server.localDestination());
        second.assertClosedByPeer();

        assertServes(server, "after the accept thread met two errors");
        assertThat(accepts).hasValue(3);
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals("ministreaming-tcp-accept-" + server.localDestination()))
                .as("the accept thread").hasSize(1);
        assertThat(server.inboundLinks()).as("only the legitimate link holds a place").isEqualTo(1);
    }

    @Test
    void anErrorThatEndsALinksReaderEndsThatLinkOnlyWithOneWarning() throws IOException {
        RecordingReceiver dying = new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (new String(bytes(message), US_ASCII).equals("die")) {
                    throw new OutOfMemoryError("injected: no memory for this message");
                }
                super.onMessage(from, message);
            }
        };
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK), dying);
        RecordingReceiver atBystander = new RecordingReceiver();
        TcpTransport bystander = listening(atBystander);
        bystander.send(server.localDestination(), text("before"));
        assertThat(dying.nextText(bystander.localDestination())).isEqualTo("before");

        RawPeer victim = rawConnect(server.localDestination());
        victim.hello("-").frame("die".getBytes(US_ASCII));

        assertThat(dying.nextLoss(victim.anonymousName()).loss()).hasMessageContaining("its reader failed")
                .hasMessageContaining("OutOfMemoryError");
        victim.assertClosedByPeer();
        assertThat(logged(Level.WARNING, "its reader failed")).hasSize(1);
        bystander.send(server.localDestination(), text("after"));
        assertThat(dying.nextText(bystander.localDestination())).isEqualTo("after");
        server.send(bystander.localDestination(), text("reply"));
        assertThat(atBystander.nextText(server.localDestination())).isEqualTo("reply");
        Await.until("the victim's link gave back its place", () -> server.inboundLinks() == 1);
    }

    @Test
    void linksBeyondTheBoundsAreRefusedAndCountedWhileOpenLinksCarryOn() throws IOException {
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).maxLinks(3).maxLinksPerAddress(2), atServer);
        RawPeer one = used(server, from("127.0.0.1", server));
        RawPeer two = used(server, from("127.0.0.1", server));

        RawPeer thirdFromTheSameAddress = from("127.0.0.1", server);
        thirdFromTheSameAddress.assertClosedByPeer();
        assertThat(server.refusedLinks()).isEqualTo(1);

        RawPeer fromElsewhere = used(server, from("127.0.0.2", server));
        RawPeer beyondTheTotal = from("127.0.0.3", server);
        beyondTheTotal.assertClosedByPeer();
        assertThat(server.refusedLinks()).as("all three links carry something of ours: none is evicted").isEqualTo(2);
        assertThat(server.evictedLinks()).isZero();

        for (RawPeer open : new RawPeer[] {one, two, fromElsewhere}) {
            open.frame("still here".getBytes(US_ASCII));
            assertThat(atServer.nextText(nameOf(open))).isEqualTo("still here");
        }
        Destination oneName = nameOf(one);
        one.close();
        atServer.nextLoss(oneName);
        Await.until("the closed link gave back its place", () -> server.inboundLinks() == 2);
        RawPeer again = from("127.0.0.1", server).hello("-").frame("admitted again".getBytes(US_ASCII));
        assertThat(atServer.nextText(nameOf(again))).isEqualTo("admitted again");
        assertThat(server.refusedLinks()).isEqualTo(2);
    }

    @Test
    void atTheBoundTheOldestLinkCarryingNothingOfOursMakesRoomForANewPeer() throws IOException {
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).maxLinks(3), atServer);
        RawPeer oldestIdle = from("127.0.0.2", server).hello("-");
        RawPeer inUse = used(server, from("127.0.0.3", server));
        RawPeer youngerIdle = from("127.0.0.4", server).hello("-");
        Await.until("three links admitted", () -> server.inboundLinks() == 3);

        RawPeer newcomer = from("127.0.0.5", server);

        oldestIdle.assertClosedByPeer();
        assertThat(atServer.nextLoss(nameOf(oldestIdle)).loss()).hasMessageContaining("evicted to make room for a new link");
        used(server, newcomer);
        assertThat(server.evictedLinks()).isEqualTo(1);
        assertThat(server.refusedLinks()).isZero();
        for (RawPeer open : new RawPeer[] {inUse, youngerIdle}) {
            open.frame("still here".getBytes(US_ASCII));
            assertThat(atServer.nextText(nameOf(open))).isEqualTo("still here");
        }
    }

    /** {@code peer} after its hello and a message from the server: its link carries something of ours. */
    /** An eviction is not the evicted peer's fault, and a siege makes many: one warning for the run, each link's end at INFO. */
    @Test
    void aRunOfEvictionsIsOneWarning() throws IOException {
        try (LogCapture transportLog = LogCapture.of(TcpTransport.class.getName())) {
            TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).maxLinks(2), atServer);
            from("127.0.0.2", server).hello("-");
            from("127.0.0.3", server).hello("-");
            Await.until("two links admitted", () -> server.inboundLinks() == 2);
            for (String newcomer : new String[] {"127.0.0.4", "127.0.0.5", "127.0.0.6"}) {
                long before = server.evictedLinks();
                from(newcomer, server).hello("-");
                Await.until("a link evicted for " + newcomer, () -> server.evictedLinks() == before + 1);
            }

            assertThat(transportLog.records()).filteredOn(r -> r.getMessage().contains("evicts links"))
                    .singleElement().satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING));
            Await.until("three evicted links ended", () -> logged(Level.INFO, "evicted to make room").size() == 3);
            assertThat(logged(Level.WARNING, "evicted to make room")).isEmpty();
        }
    }

    private RawPeer used(TcpTransport server, RawPeer peer) throws IOException {
        peer.hello("-").frame("syn".getBytes(US_ASCII));
        assertThat(atServer.nextText(nameOf(peer))).isEqualTo("syn");
        server.send(nameOf(peer), text("ack"));
        peer.readFrame();
        assertThat(peer.readText()).isEqualTo("ack");
        return peer;
    }

    @Test
    void aFrameTrickledAByteAtATimeIsCutAtTheFrameTimeout() throws IOException {
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).frameTimeout(Duration.ofSeconds(1)), atServer);
        RawPeer slowloris = rawConnect(server.localDestination()).hello("-").raw(new byte[] {0, 1, 0, 0});
        AtomicInteger trickled = trickle(slowloris, new byte[] {0x42});

        slowloris.assertClosedByPeer();
        assertThat(atServer.nextLoss(slowloris.anonymousName()).loss())
                .hasMessageContaining("a frame was begun and not finished within 1000 ms (frameTimeout)");
        assertThat(trickled.get()).as("bytes trickled before the cut").isGreaterThan(1);
        assertServes(server, "after the slowloris");
    }

    @Test
    void aTlsHandshakeTrickledAByteAtATimeIsCutAtTheHelloTimeout() throws Exception {
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS).connectTimeout(Duration.ofSeconds(1)), atServer);
        // A handshake record announced at 512 bytes, then its bytes one by one.
        RawPeer slowloris = rawConnect(server.localDestination()).raw(new byte[] {0x16, 3, 1, 2, 0});
        AtomicInteger trickled = trickle(slowloris, new byte[] {0x01});

        slowloris.assertClosedByPeer();
        assertThat(atServer.nextLoss(tlsName(slowloris.socket)).loss())
                .hasMessageContaining("no TLS handshake and hello within 1000 ms");
        assertThat(trickled.get()).as("bytes trickled before the cut").isGreaterThan(1);
        assertServesOverTls(server);
    }

    @Test
    void aHelloTrickledAfterTheTlsHandshakeIsCutAtTheSameDeadline() throws Exception {
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS).connectTimeout(Duration.ofSeconds(1)), atServer);
        RawPeer slowloris = tlsPeer(server);
        // A long hello, well-formed, so that trickling it takes 20 s.
        byte[] hello = ("MINISTREAMING/1 tls://" + ("a".repeat(60) + ".").repeat(3) + "example:1").getBytes(US_ASCII);
        byte[] frame = ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array();
        AtomicInteger trickled = trickle(slowloris, frame);

        slowloris.assertClosedByPeer();
        assertThat(atServer.nextLoss(tlsName(slowloris.socket)).loss())
                .hasMessageContaining("no TLS handshake and hello within 1000 ms");
        assertThat(trickled.get()).as("hello bytes trickled, one record each, before the cut").isBetween(2, frame.length - 1);
        assertServesOverTls(server);
    }

    @Test
    void aTlsRecordTrickledAfterTheHelloIsCutAtTheFrameTimeout() throws Exception {
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS).frameTimeout(Duration.ofSeconds(1)), atServer);
        RawPeer slowloris = tlsPeer(server).hello("-").frame("syn".getBytes(US_ASCII));
        Destination name = tlsName(slowloris.socket);
        assertThat(atServer.nextText(name)).isEqualTo("syn");
        server.send(name, text("ack")); // the link carries something of ours: no idle timeout
        // Around TLS: a record announced at 1,000 bytes, then its bytes one by one.
        Socket under = underlying(slowloris);
        under.getOutputStream().write(new byte[] {0x17, 3, 3, 0x03, (byte) 0xE8});
        AtomicInteger trickled = trickle(new RawPeer(under), new byte[] {0x42});

        slowloris.assertClosedByPeer();
        assertThat(atServer.nextLoss(name).loss()).hasMessageContaining("a frame was begun and not finished within 1000 ms (frameTimeout)");
        assertThat(trickled.get()).as("bytes trickled before the cut").isGreaterThan(1);
        assertServesOverTls(server);
    }

    @Test
    void aLinkThatCarriesNothingOfOursIsClosedAfterTheIdleTimeoutAndOneThatDoesIsNot() throws IOException {
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).idleTimeout(Duration.ofSeconds(3)), atServer);
        RawPeer used = rawConnect(server.localDestination()).hello("-").frame("syn".getBytes(US_ASCII));
        assertThat(atServer.nextText(used.anonymousName())).isEqualTo("syn");
        server.send(used.anonymousName(), text("ack"));
        used.readFrame();
        assertThat(used.readText()).isEqualTo("ack");

        RawPeer idle = rawConnect(server.localDestination()).hello("-");
        idle.assertClosedByPeer();
        assertThat(atServer.nextLoss(idle.anonymousName()).loss())
                .hasMessageContaining("the link carried no message for 3000 ms and none of ours (idleTimeout)");

        used.frame("still open, idle for longer than the other".getBytes(US_ASCII));
        assertThat(atServer.nextText(used.anonymousName())).startsWith("still open");
    }

    @Test
    void theBoundsAndDeadlinesRefuseNonsense() {
        for (Runnable nonsense : new Runnable[] {
            () -> TcpTransport.plain().maxLinks(0),
            () -> TcpTransport.plain().maxLinksPerAddress(-1),
            () -> TcpTransport.plain().frameTimeout(Duration.ZERO),
            () -> TcpTransport.plain().idleTimeout(Duration.ofSeconds(-1))}) {
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(nonsense::run);
        }
        assertThat(TcpTransport.plain().idleTimeout(Duration.ZERO)).as("zero: no idle limit").isNotNull();
    }

    /**
     * Sends {@code bytes} to {@code slowloris} one at a time, 100 ms apart (the attack: each byte
     * well within any per-read timeout), 1,000 at most, from a thread of its own.
     *
     * @return how many were sent so far
     */
    private AtomicInteger trickle(RawPeer slowloris, byte[] bytes) {
        AtomicInteger trickled = new AtomicInteger();
        start("slowloris", () -> {
            try {
                while (trickled.get() < 1000) {
                    slowloris.raw(new byte[] {bytes[trickled.get() % bytes.length]});
                    trickled.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            } catch (IOException | InterruptedException cut) {
                // the server ended the link, or the test is over
            }
        });
        return trickled;
    }

    private static Destination tlsName(Socket socket) {
        return Destination.of("tls://-@127.0.0.1:" + socket.getLocalPort());
    }

    /** A new TLS peer that pins {@code server} exchanges a message each way with it. */
    private void assertServesOverTls(TcpTransport server) throws IOException {
        RecordingReceiver atPeer = new RecordingReceiver();
        TcpTransport peer = started(pinnedTo(server), atPeer);
        peer.send(server.localDestination(), text("hello"));
        RecordingReceiver.Event heard = atServer.next();
        assertThat(heard.text()).isEqualTo("hello");
        server.send(heard.from(), text("reply"));
        assertThat(atPeer.nextText(server.localDestination())).isEqualTo("reply");
    }

    /** A raw peer connected from {@code localAddress}, a loopback address. */
    private RawPeer from(String localAddress, TcpTransport server) throws IOException {
        URI uri = URI.create(server.localDestination().uri());
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return new RawPeer(socket);
    }

    /** The name the server gives a raw peer's link, by its address. */
    private static Destination nameOf(RawPeer peer) {
        return Destination.of("tcp://-@" + peer.socket.getLocalAddress().getHostAddress() + ":" + peer.socket.getLocalPort());
    }

    /** A new, well-behaved peer exchanges a message each way with {@code server}. */
    private void assertServes(TcpTransport server, String when) {
        try {
            RecordingReceiver atPeer = new RecordingReceiver();
            TcpTransport peer = listening(atPeer);
            peer.send(server.localDestination(), text("hello " + when));
            assertThat(atServer.nextText(peer.localDestination())).isEqualTo("hello " + when);
            server.send(peer.localDestination(), text("reply " + when));
            assertThat(atPeer.nextText(server.localDestination())).isEqualTo("reply " + when);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
