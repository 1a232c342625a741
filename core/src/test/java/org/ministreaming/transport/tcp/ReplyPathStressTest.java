package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.Counter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * The reply path under load, over TCP: many peers pinging, opening and closing at once all get
 * their answers, and a peer that floods pings and never reads loses its link when its reply lane
 * is full, while the receive path keeps serving everyone else.
 */
class ReplyPathStressTest extends TcpFixture {

    /** The SYN rate is not what is tested: a client opening connections while a flood lasts may pass the default 200 a second. */
    private static final StreamOptions OPTIONS = StreamOptions.builder().readTimeout(Duration.ofSeconds(30)).synsPerSecondPerPeer(1_000_000).build();
    private static final int CLIENTS = 6;
    private static final int CYCLES = 30;
    private static final int PINGS = 100;

    @Test
    void manyPeersPingingOpeningAndClosingAtOnceAllGetTheirAnswers() throws Exception {
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).build(), OPTIONS));
        StreamServerSocket serverSocket = server.serverSocket();
        // One per pinging client, whose connection stays open while it pings, and two more.
        for (int i = 0; i < CLIENTS + 2; i++) {
            start("echo-" + i, () -> echoOneByteEach(serverSocket));
        }
        List<CompletableFuture<Integer>> work = new ArrayList<>();
        List<StreamManager> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().build(), OPTIONS));
            clients.add(client);
            work.add(Async.run(() -> openExchangeAndClose(client, server.localDestination())));
            work.add(Async.run(() -> ping(client, server.localDestination())));
        }

        for (CompletableFuture<Integer> each : work) {
            assertThat(each).succeedsWithin(Await.LIMIT);
        }
        assertThat(server.statistics()).containsEntry(Counter.PINGS_ANSWERED, (long) CLIENTS * PINGS)
                .containsEntry(Counter.SEND_FAILED, 0L);
        for (StreamManager client : clients) {
            assertThat(client.statistics()).containsEntry(Counter.SEND_FAILED, 0L);
        }
    }

    @Test
    void aPeerThatFloodsPingsAndNeverReadsLosesItsLinkWhileOthersAreServed() throws Exception {
        int laneBytes = 16 * 1024;
        StreamManager server = closeLater(StreamManager.open(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(laneBytes).build(), OPTIONS));
        StreamServerSocket serverSocket = server.serverSocket();
        start("echo", () -> echoOneByteEach(serverSocket));
        StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().build(), OPTIONS));

        Socket flooderSocket = closeLater(new Socket());
        flooderSocket.setReceiveBufferSize(4096);
        URI uri = URI.create(server.localDestination().uri());
        flooderSocket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) Await.LIMIT.toMillis());
        RawPeer flooder = new RawPeer(flooderSocket);
        flooder.hello("-");
        AtomicLong pings = new AtomicLong();
        long giveUp = 50_000_000;
        CompletableFuture<Long> flooding = Async.run(() -> {
            // Pings written a thousand at a time: the kernel buffers several MiB of pongs before
            // the lane fills, and a write per ping took minutes to get there on a loaded machine.
            byte[] ping = Message.ping(new ConnectionId(0x0F0F0F), 1).toByteArray();
            int batch = 1000;
            ByteBuffer pingFrames = ByteBuffer.allocate(batch * (Frames.LENGTH_BYTES + ping.length));
            for (int i = 0; i < batch; i++) {
                Frames.put(pingFrames, ByteBuffer.wrap(ping), Frames.EMPTY);
            }
            try {
                while (pings.get() < giveUp) {
                    flooder.raw(pingFrames.array());
                    pings.addAndGet(batch);
                }
            } catch (IOException linkEnded) {
                // The server ended the link: what this test waits for.
            }
            return pings.get();
        });

        int exchanges = 0;
        long deadline = System.nanoTime() + Await.LIMIT.toNanos();
        while (!flooding.isDone() && System.nanoTime() - deadline < 0) {
            assertThat(openExchangeAndClose(client, server.localDestination(), 1)).isEqualTo(1);
            exchanges++;
        }
        assertThat(flooding).as("the server ended the flooder's link").succeedsWithin(Await.LIMIT);
        assertThat(flooding.join()).as("pings the server took before it ended the link").isLessThan(giveUp);
        assertThat(logged(java.util.logging.Level.WARNING, "replies to it fill their lane")).as("why the link ended").hasSize(1);
        assertThat(server.statistics().get(Counter.PINGS_ANSWERED)).isPositive();
        assertThat(exchanges).as("the other client was served meanwhile").isPositive();
        assertThat(openExchangeAndClose(client, server.localDestination(), 5)).isEqualTo(5);
    }

    /** Accepts connections and answers each one's byte with one byte, then closes it, until the server socket closes. */
    private static void echoOneByteEach(StreamServerSocket serverSocket) {
        while (true) {
            try (StreamSocket socket = serverSocket.accept()) {
                int b = socket.getInputStream().read();
                if (b >= 0) {
                    socket.getOutputStream().write(b);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static int openExchangeAndClose(StreamManager client, Destination server) throws IOException {
        return openExchangeAndClose(client, server, CYCLES);
    }

    private static int openExchangeAndClose(StreamManager client, Destination server, int cycles) throws IOException {
        for (int i = 0; i < cycles; i++) {
            try (StreamSocket socket = client.connect(server)) {
                socket.getOutputStream().write(i & 0x7F);
                assertThat(socket.getInputStream().read()).isEqualTo(i & 0x7F);
            }
        }
        return cycles;
    }

    /** Pings while a connection is open, so the peer is known to speak the extension and answers. */
    private static int ping(StreamManager client, Destination server) throws IOException {
        try (StreamSocket open = client.connect(server)) {
            for (int i = 0; i < PINGS; i++) {
                Optional<Duration> roundTrip = client.ping(server, Duration.ofSeconds(20));
                assertThat(roundTrip).as("a peer of ours answers").isPresent();
            }
        }
        return PINGS;
    }
}
