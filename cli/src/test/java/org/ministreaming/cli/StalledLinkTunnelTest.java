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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamManager;
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
 * them once the link has no room, and its workers go on serving every other connection.
 */
@Timeout(120)
class StalledLinkTunnelTest {

    private static final String NAME = "stalledlink";
    private static final int STALLED = 2 * TunnelLoop.WORKERS;
    private static final int QUEUE_BYTES = 64 * 1024;

    @Test
    void aPeerThatNeverReadsItsLinkHoldsNoWorkerFromTheOtherConnections() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        List<SocketChannel> services = new ArrayList<>();
        try (StreamManager tunnel = StreamManager.open(
                    TcpTransport.plain().listen("tcp://127.0.0.1:0").sendQueueBytes(QUEUE_BYTES).build());
             StreamManager good = StreamManager.open(TcpTransport.plain().build());
             ServerSocketChannel service = ServerSocketChannel.open();
             Socket stalledPeer = new Socket();
             Sessions sessions = new Sessions(NAME, errors::add, Duration.ofMinutes(10), STALLED + 1)) {
            service.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            StreamServerSocket serverSocket = tunnel.serverSocket();
            URI address = URI.create(tunnel.localDestination().uri());
            stalledPeer.connect(new InetSocketAddress(address.getHost(), address.getPort()));
            OutputStream toTunnel = stalledPeer.getOutputStream();
            frame(toTunnel, "MINISTREAMING/1 -".getBytes(US_ASCII));
            for (int i = 0; i < STALLED; i++) {
                frame(toTunnel, bytes(Message.syn(new ConnectionId(100 + i), "tcp:-".getBytes(US_ASCII)).encoded()));
                services.add(splice(serverSocket.accept(Duration.ofSeconds(10)), service, sessions, "stalled " + i));
            }
            // The peer never reads: each service writes until the tunnel takes no more from it.
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            Await.until("every stalled connection's service can write no more", () -> {
                boolean all = true;
                for (SocketChannel side : services) {
                    all &= write(side, chunk.clear()) == 0;
                }
                return all;
            });

            Future<StreamSocket> connecting = threads.submit(() -> good.connect(tunnel.localDestination()));
            SocketChannel goodService = splice(serverSocket.accept(Duration.ofSeconds(10)), service, sessions, "good");
            services.add(goodService);
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
        } finally {
            for (SocketChannel channel : services) {
                channel.close();
            }
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    /** Splices {@code accepted} to a new connection to {@code service}; returns the service's side, not blocking. */
    private static SocketChannel splice(StreamSocket accepted, ServerSocketChannel service, Sessions sessions, String name)
            throws IOException {
        SocketChannel tcp = SocketChannel.open(service.getLocalAddress());
        SocketChannel serviceSide = service.accept();
        serviceSide.configureBlocking(false);
        sessions.start(new Splice(tcp, accepted, name), s -> { });
        return serviceSide;
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

    private static int write(SocketChannel channel, ByteBuffer bytes) {
        try {
            return channel.write(bytes);
        } catch (IOException e) {
            throw new AssertionError("a service's connection failed: " + e, e);
        }
    }
}
