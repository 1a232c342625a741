package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/**
 * TLS links served by the link loop ({@link TlsChannel}) under concurrency and abuse: many TLS
 * links on one loop, many handshakes at once, many senders on one link, a close while senders write, a peer's key update
 * and close_notify, and peers that send garbage instead of TLS records, which lose their own link
 * and nothing else.
 */
@Timeout(120)
class TlsLoopStressTest extends TcpFixture {

    @Test
    void manyTlsLinksAreServedByTheLoopInOrderWithRepliesFromIt() throws Exception {
        int peers = 40;
        int messages = 30;
        Map<Destination, List<String>> heard = new ConcurrentHashMap<>();
        TcpTransport[] server = new TcpTransport[1];
        server[0] = started(TcpTransport.tls().listen(LOOPBACK_TLS).maxLinks(peers + 10).maxLinksPerAddress(peers + 10),
                LinkLoopStressTest.acking(server, heard));
        List<RawPeer> links = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            links.add(tlsPeer(server[0]).hello("-"));
        }
        LinkLoopStressTest.writeFromFourThreadsAndCheckReplies(links, messages, server[0], heard);

        assertThat(ThreadLeaks.live(TCP_THREADS)).as("one loop and one accept thread, whatever the number of TLS links,"
                + " and the handshake thread until it has been idle for 5 s")
                .filteredOn(name -> !name.contains("-handshakes-"))
                .hasSize(2).anyMatch(name -> name.contains("-links-")).anyMatch(name -> name.contains("-accept-"));
        assertThat(ThreadLeaks.live(TCP_THREADS)).filteredOn(name -> name.contains("-handshakes-")).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void manyHandshakesAtOnceEachFinishOrFailWithTheirOwnCause() throws Exception {
        int dialers = 4;
        int dialsEach = 40;
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS).maxLinks(500).maxLinksPerAddress(500), atServer);
        String pin = server.certificateFingerprint().orElseThrow();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int d = 0; d < dialers; d++) {
            running.add(Async.run(() -> {
                for (int i = 0; i < dialsEach; i++) {
                    boolean pinned = i % 2 == 0; // every other one with a wrong pin: its handshake fails on the client
                    try (TcpTransport client = TcpTransport.tls().pin(pinned ? pin : "AB".repeat(32)).build()) {
                        client.start(new RecordingReceiver());
                        client.send(server.localDestination(), text("x"));
                        outcomes.computeIfAbsent(pinned ? "pinned: sent" : "wrong pin: sent", k -> new AtomicInteger()).incrementAndGet();
                    } catch (IOException e) {
                        String cause = e.getCause() == null ? e.toString() : e.getCause().getClass().getSimpleName();
                        outcomes.computeIfAbsent((pinned ? "pinned: " : "wrong pin: ") + cause, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (CompletableFuture<Void> dialer : running) {
            dialer.get(Await.LIMIT.toSeconds() * 4, TimeUnit.SECONDS);
        }

        assertThat(outcomes).as("every handshake finished, or failed on the pin, at once; none waited out its deadline")
                .containsOnlyKeys("pinned: sent", "wrong pin: SSLHandshakeException");
        assertThat(outcomes.get("pinned: sent").get()).isEqualTo(dialers * dialsEach / 2);
        assertThat(outcomes.get("wrong pin: SSLHandshakeException").get()).isEqualTo(dialers * dialsEach / 2);
    }

    @Test
    void concurrentSendersAndRepliesOnOneTlsLinkKeepEachOnesOrderAndLoseNothing() throws Exception {
        int senders = 6;
        int each = 300;
        LabelledMessages heard = new LabelledMessages(senders * each + 1 + each);
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS).sendQueueBytes(64 * 1024), new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                heard.arrived(message);
            }
        });
        TcpTransport client = started(pinnedTo(server).sendQueueBytes(64 * 1024), new RecordingReceiver());
        // Messages up to 60 KiB: many records per message, and writes that fill the socket.
        LinkLoopStressTest.sendersAndRepliesOnOneLink(client, server.localDestination(), senders, each);

        heard.assertAllArrivedWhole(WAIT_SECONDS);
        for (int s = 0; s < senders; s++) {
            heard.assertOnceInOrder("s" + s, s == 0 ? each + 1 : each);
        }
        heard.assertOnceInOrder("r", each);
    }

    @Test
    void closingWhileSendersWriteOverTlsEndsEverySenderAndDeliversOnlyWholeMessages() throws Exception {
        AtomicInteger corrupt = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (!LabelledMessages.intact(message)) {
                    corrupt.incrementAndGet();
                }
                received.incrementAndGet();
            }
        });
        TcpTransport client = started(pinnedTo(server), new RecordingReceiver());
        LinkLoopStressTest.closeWhileFourSendersWrite(client, server.localDestination(), received);

        Await.until("the server saw the link end", () -> server.peers().isEmpty());
        assertThat(corrupt).as("whole messages only: a close never cuts a frame the peer then takes").hasValue(0);
        assertThat(ThreadLeaks.live(TCP_THREADS)).as("the client's loop has ended").noneMatch(name -> name.contains("tls:-"));
    }

    @Test
    void aPeersKeyUpdatesAndItsCloseNotifyAreHandled() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);
        RawPeer peer = tlsPeer(server);
        SSLSocket socket = (SSLSocket) peer.socket;
        Destination name = Destination.of("tls://-@127.0.0.1:" + socket.getLocalPort());
        assertThat(peer.readText()).startsWith("MINISTREAMING/1 ");
        peer.hello("-").frame("before".getBytes(UTF_8));
        assertThat(atServer.nextText(name)).isEqualTo("before");

        for (int round = 0; round < 3; round++) {
            socket.startHandshake(); // in TLS 1.3, a key update that asks the server for one too
            peer.frame(("after update " + round).getBytes(UTF_8));
            assertThat(atServer.nextText(name)).isEqualTo("after update " + round);
            server.send(name, text("down " + round));
            assertThat(peer.readText()).isEqualTo("down " + round);
        }

        socket.shutdownOutput(); // close_notify, then the TCP half-close
        assertThat(atServer.nextLoss(name).loss()).isInstanceOf(EOFException.class).hasMessageContaining("closed the link");
        peer.assertClosedByPeer();
        atServer.assertQuiet();
    }

    @Test
    void peersSendingGarbageInsteadOfTlsRecordsLoseTheirLinkAndNothingElse() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = started(pinnedTo(server), atClient);
        client.send(server.localDestination(), text("before"));
        Destination clientName = atServer.next().from();
        RawPeer afterHandshake = tlsPeer(server);
        Random random = new Random(13);

        List<RawPeer> abusers = new ArrayList<>();
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        abusers.add(rawConnect(server.localDestination()).raw(noise));
        // A record header of each kind, then bytes that are no record of that kind.
        for (byte type : new byte[] {0x14, 0x15, 0x16, 0x17}) {
            byte[] record = new byte[5 + 300];
            random.nextBytes(record);
            record[0] = type;
            record[1] = 3;
            record[2] = 3;
            record[3] = 1;
            record[4] = 44;
            abusers.add(rawConnect(server.localDestination()).raw(record));
        }
        // After a real handshake: garbage where the records should be.
        underlying(afterHandshake).getOutputStream().write(noise);
        abusers.add(afterHandshake);

        for (RawPeer abuser : abusers) {
            abuser.assertClosedByPeer();
        }
        Set<Destination> lost = new HashSet<>();
        for (int i = 0; i < abusers.size(); i++) {
            RecordingReceiver.Event event = atServer.next();
            assertThat(event.isLoss()).as("only losses, of the abusers' links: %s", event).isTrue();
            assertThat(event.from()).isNotEqualTo(clientName);
            lost.add(event.from());
        }
        assertThat(lost).hasSize(abusers.size());
        client.send(server.localDestination(), text("after"));
        assertThat(atServer.nextText(clientName)).isEqualTo("after");
        server.send(clientName, text("still here"));
        assertThat(atClient.nextText(server.localDestination())).isEqualTo("still here");
    }
}
