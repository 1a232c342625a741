package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.tcp.TcpTransport;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * A peer that never reads its TCP link, with more plain connections (no credit extension) through
 * a server tunnel than the tunnel has workers, each fed by its service: the tunnel stops writing to
 * them once the link has no room, its workers go on serving every other connection, and the
 * stall timeout (the streams' write timeout) closes the stalled ones.
 */
@Timeout(120)
class StalledLinkTunnelTest {

    private static final String NAME = "stalledlink";
    private static final int STALLED = 2 * TunnelLoop.WORKERS;
    private static final int QUEUE_BYTES = 64 * 1024;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<SocketChannel> services = new ArrayList<>();
    private ServerSocketChannel service;
    private Sessions sessions;

    @AfterEach
    void stopEverything() throws Exception {
        for (SocketChannel channel : services) {
            channel.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aPeerThatNeverReadsItsLinkHoldsNoWorkerFromTheOtherConnections() throws Exception {
        StreamManager tunnel = tunnel(StreamOptions.builder().build());
        StreamManager good = keep(StreamManager.open(TcpTransport.plain().build()));
        stallTheLink(tunnel);

        Future<StreamSocket> connecting = threads.submit(() -> good.connect(tunnel.localDestination()));
        SocketChannel goodService = splice(tunnel.serverSocket().accept(Duration.ofSeconds(10)), "good");
        StreamSocket goodSocket = connecting.get(10, TimeUnit.SECONDS);
        goodSocket.getOutputStream().write("ping".getBytes(US_ASCII));
        goodService.configureBlocking(true);
        ByteBuffer ping = ByteBuffer.allocate(4);
        Future<?> reading = threads.submit(() -> {
            while (ping.hasRemaining() && goodService.read(ping) >= 0) {
                // reads until the 4 bytes came
            }
            return null;
        });
        reading.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(new String(ping.array(), US_ASCII)).isEqualTo("ping");
        goodService.write(ByteBuffer.wrap("pong".getBytes(US_ASCII)));
        assertThat(new String(goodSocket.getInputStream().readNBytes(4), US_ASCII)).isEqualTo("pong");
        assertThat(errors).isEmpty();
        assertThat(sessions.open()).as("the stalled connections wait, without a timeout").isEqualTo(STALLED + 1);
    }

    @Test
    void theStallTimeoutClosesConnectionsToAPeerThatNeverReadsItsLink() throws Exception {
        StreamManager tunnel = tunnel(StreamOptions.builder().writeTimeout(Duration.ofSeconds(1)).build());
        stallTheLink(tunnel);

        Await.until(() -> "every stalled connection closed, " + sessions.open() + " open", () -> sessions.open() == 0);
        assertThat(errors).first().asString().matches("stalled \\d+: Write timed out after 1000 ms: tcp://-@127\\.0\\.0\\.1:\\d+"
                + " took no more bytes: it does not read what is sent to it");
    }

    private StreamManager tunnel(StreamOptions options) throws IOException {
        StreamManager tunnel = keep(StreamManager.open(
                TcpTransport.plain().listen("tcp://127.0.0.1:0").sendQueueBytes(QUEUE_BYTES).build(), options));
        service = keep(ServerSocketChannel.open());
        service.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sessions = keep(new Sessions(NAME, errors::add, Duration.ofMinutes(10), STALLED + 1));
        return tunnel;
    }

    /**
     * Opens {@link #STALLED} plain connections from a peer that never reads its link, each spliced
     * to the service, and has each service write until the tunnel takes no more from it.
     */
    private void stallTheLink(StreamManager tunnel) throws Exception {
        StreamServerSocket serverSocket = tunnel.serverSocket();
        URI address = URI.create(tunnel.localDestination().uri());
        Socket stalledPeer = keep(new Socket());
        stalledPeer.connect(new InetSocketAddress(address.getHost(), address.getPort()));
        OutputStream toTunnel = stalledPeer.getOutputStream();
        frame(toTunnel, "MINISTREAMING/1 -".getBytes(US_ASCII));
        for (int i = 0; i < STALLED; i++) {
            frame(toTunnel, bytes(Message.syn(new ConnectionId(100 + i), "tcp:-".getBytes(US_ASCII)).encoded()));
            splice(serverSocket.accept(Duration.ofSeconds(10)), "stalled " + i);
        }
        List<SocketChannel> stalled = List.copyOf(services);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        Await.until("every stalled connection's service can write no more", () -> {
            boolean all = true;
            for (SocketChannel side : stalled) {
                all &= write(side, chunk.clear()) <= 0;
            }
            return all;
        });
    }

    /** Splices {@code accepted} to a new connection to the service; returns the service's side, not blocking. */
    private SocketChannel splice(StreamSocket accepted, String name) throws IOException {
        SocketChannel tcp = SocketChannel.open(service.getLocalAddress());
        SocketChannel serviceSide = service.accept();
        serviceSide.configureBlocking(false);
        services.add(serviceSide);
        sessions.start(new Splice(tcp, accepted, name), s -> { });
        return serviceSide;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    private static void frame(OutputStream out, byte[] payload) throws IOException {
        out.write(ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array());
        out.flush();
    }

    private static byte[] bytes(ByteBuffer message) {
        byte[] copy = new byte[message.remaining()];
        message.duplicate().get(copy);
        return copy;
    }

    /** Bytes the service's side took, or -1 once the tunnel closed it. */
    private static int write(SocketChannel channel, ByteBuffer bytes) {
        try {
            return channel.write(bytes);
        } catch (IOException closedByTheTunnel) {
            return -1;
        }
    }
}
