package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * Plain links served by one loop per transport ({@link LinkLoop}, {@link ChannelLink}) under
 * concurrency: many links at once, many senders and replies on one link, a close while senders
 * write, and a receiver too slow to keep up, which must stop the link's reading rather than
 * buffer without bound.
 */
class LinkLoopStressTest extends TcpFixture {

    private static final int PEERS = 100;
    private static final int MESSAGES_PER_PEER = 50;

    @Test
    void manyLinksAreServedByOneThreadEachInOrderWithRepliesFromTheLoop() throws Exception {
        Map<Destination, List<String>> heard = new ConcurrentHashMap<>();
        TcpTransport[] server = new TcpTransport[1];
        server[0] = started(TcpTransport.plain().listen(LOOPBACK).maxLinks(PEERS + 10).maxLinksPerAddress(PEERS + 10),
                acking(server, heard));
        URI uri = URI.create(server[0].localDestination().uri());
        List<RawPeer> peers = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            peers.add(new RawPeer(socket).hello("-"));
        }
        writeFromFourThreadsAndCheckReplies(peers, MESSAGES_PER_PEER, server[0], heard);

        assertThat(ThreadLeaks.live(TCP_THREADS)).as("one loop and one accept thread, whatever the number of links")
                .hasSize(2).anyMatch(name -> name.contains("-links-")).anyMatch(name -> name.contains("-accept-"));
    }

    @Test
    void concurrentSendersAndRepliesOnOneLinkKeepEachOnesOrderAndLoseNothing() throws Exception {
        int senders = 6;
        int each = 400;
        // Each sender's messages, s0's first one that opens the link, and the replies.
        LabelledMessages heard = new LabelledMessages(senders * each + 1 + each);
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(64 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                heard.arrived(message);
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(64 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        sendersAndRepliesOnOneLink(client, server.localDestination(), senders, each);

        heard.assertAllArrivedWhole(WAIT_SECONDS);
        for (int s = 0; s < senders; s++) {
            heard.assertOnceInOrder("s" + s, s == 0 ? each + 1 : each);
        }
        heard.assertOnceInOrder("r", each);
    }

    /**
     * A receiver for {@code server[0]} that notes each message's text under its sender in
     * {@code heard} and replies {@code ack TEXT} from the loop.
     */
    static Transport.Receiver acking(TcpTransport[] server, Map<Destination, List<String>> heard) {
        return new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                String text = UTF_8.decode(message).toString();
                heard.computeIfAbsent(from, f -> new CopyOnWriteArrayList<>()).add(text);
                server[0].reply(from, text("ack " + text));
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        };
    }

    /**
     * Four writers, each over its own quarter of {@code links}, interleave {@code messages} frames
     * ({@code m0}, {@code m1}, ...) link by link; then each link reads {@code server}'s hello and
     * its replies in order, and {@code server}'s {@link #acking} receiver heard every link's
     * messages in order.
     */
    static void writeFromFourThreadsAndCheckReplies(List<RawPeer> links, int messages, TcpTransport server,
            Map<Destination, List<String>> heard) throws IOException {
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<RawPeer> mine = links.subList(w * links.size() / 4, (w + 1) * links.size() / 4);
            writers.add(Async.run(() -> {
                for (int m = 0; m < messages; m++) {
                    for (RawPeer peer : mine) {
                        peer.frame(("m" + m).getBytes(UTF_8));
                    }
                }
                return null;
            }));
        }
        for (CompletableFuture<Void> writer : writers) {
            assertThat(writer).succeedsWithin(Await.LIMIT);
        }
        for (RawPeer peer : links) {
            assertThat(peer.readText()).isEqualTo("MINISTREAMING/1 " + server.localDestination());
            for (int m = 0; m < messages; m++) {
                assertThat(peer.readText()).as("the loop's replies come back in order").isEqualTo("ack m" + m);
            }
        }
        assertThat(heard).hasSize(links.size());
        List<String> expected = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            expected.add("m" + m);
        }
        heard.values().forEach(each -> assertThat(each).containsExactlyElementsOf(expected));
    }

    /**
     * Sends 32-33 KiB labelled messages to {@code to} from four threads until {@code received}
     * passes 200, closes {@code client} while they write, and checks that each sender then ends
     * with an {@link IOException}.
     */
    static void closeWhileFourSendersWrite(TcpTransport client, Destination to, AtomicInteger received) {
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            String name = "s" + s;
            senders.add(Async.run(() -> {
                for (int i = 0; !stop.get(); i++) {
                    client.send(to, LabelledMessages.message(name, i, 32 * 1024 + i % 1000));
                }
                return null;
            }));
        }
        try {
            Await.until("messages flow", () -> received.get() > 200);
            client.close();
            for (CompletableFuture<Void> sender : senders) {
                assertThat(sender).as("a sender ends with an IOException once the transport is closed")
                        .failsWithin(Await.LIMIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .withCauseInstanceOf(IOException.class);
            }
        } finally {
            stop.set(true);
        }
    }

    /**
     * Opens the link with s0's message 0, then sends from {@code senders} threads and replies
     * from one more, all at once; returns once all were sent.
     */
    static void sendersAndRepliesOnOneLink(TcpTransport client, Destination to, int senders, int each) throws IOException {
        client.send(to, LabelledMessages.message("s0", 0, 100)); // the link, so that replies have one
        CompletableFuture<Void> replies = Async.run(() -> {
            for (int i = 0; i < each; i++) {
                while (!client.reply(to, LabelledMessages.message("r", i, 64))) {
                    assertThat(client.peers()).as("a reply is refused only while its lane is full").contains(to);
                    Thread.yield();
                }
            }
            return null;
        });
        LabelledMessages.sendFromThreads(client, to, senders, each, 1);
        assertThat(replies).succeedsWithin(Await.LIMIT);
    }

    @Test
    void closingWhileSendersWriteEndsEverySenderAndDeliversOnlyWholeMessages() throws Exception {
        AtomicInteger corrupt = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        TcpTransport server = listening(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (!LabelledMessages.intact(message)) {
                    corrupt.incrementAndGet();
                }
                received.incrementAndGet();
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        TcpTransport client = client(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        closeWhileFourSendersWrite(client, server.localDestination(), received);

        Await.until("the server saw the link end", () -> server.peers().isEmpty());
        assertThat(corrupt).as("whole messages only: a close never cuts a frame the peer then takes").hasValue(0);
        assertThat(ThreadLeaks.live(TCP_THREADS)).as("the client's loop has ended").noneMatch(name -> name.contains("tcp:-"));
    }

    @Test
    void aReceiverThatCannotKeepUpStopsItsLinkFromReadingAndTheSenderWaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> heard = new CopyOnWriteArrayList<>();
        int messages = 4000;
        CountDownLatch all = new CountDownLatch(messages);
        TcpTransport server = listening(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                try {
                    // A receiver far too slow: it takes nothing until the test lets it.
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                heard.add(Integer.parseInt(UTF_8.decode(message.duplicate().limit(message.position() + 16)).toString().trim().split(":")[1]));
                all.countDown();
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(64 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        AtomicLong sent = new AtomicLong();
        var flood = Async.run(() -> {
            for (int i = 0; i < messages; i++) {
                client.send(server.localDestination(), LabelledMessages.message("f", i, 16 * 1024));
                sent.incrementAndGet();
            }
            return null;
        });
        long[] last = {-1};
        int[] steady = {0};
        Await.until(() -> "the sender waits for room for good; it sent " + sent.get(), () -> {
            boolean parked = Await.isParkedIn(flood.thread(), OutboundQueue.class, "put");
            steady[0] = parked && sent.get() == last[0] ? steady[0] + 1 : 0;
            last[0] = sent.get();
            return steady[0] >= 50;
        });
        assertThat(sent.get()).as("what the socket buffers, the queue and one read hold, not all " + messages)
                .isLessThan(messages);
        assertThat(heard).as("the first message is still in the receiver").isEmpty();

        release.countDown();

        assertThat(flood).succeedsWithin(Await.LIMIT);
        assertThat(all.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(heard).as("every message once, in order").isSorted().doesNotHaveDuplicates().hasSize(messages);
    }

    @Test
    void aReceiverThatClosesItsTransportFromTheLoopEndsTheLoop() throws Exception {
        TcpTransport[] server = new TcpTransport[1];
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        server[0] = listening(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                server[0].close();
                closed.complete(true);
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        RawPeer peer = rawConnect(server[0].localDestination()).hello("-").frame("close now".getBytes(UTF_8));

        assertThat(closed).as("close() on the loop's own thread returns").succeedsWithin(Await.LIMIT);
        peer.assertClosedByPeer();
        Await.until("the loop thread ended", () -> ThreadLeaks.live(TCP_THREADS).isEmpty());
    }

    /** A message of {@code size} bytes: {@code NAME:I} padded to 16 bytes, then bytes that tell their own position. */
}
