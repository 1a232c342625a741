package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
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
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Tunnelled connections hold no thread while they wait: idle ones, ones whose TCP service stopped
 * reading, and ones whose peer stopped reading (no credit). However many there are, the tunnel's
 * threads come down to its selector and its timer once the workers have had nothing to do for
 * {@link TunnelLoop#IDLE_WORKER}, and every connection is still open.
 */
@Timeout(120)
class TunnelThreadsTest {

    private static final String NAME = "threadcount";
    private static final int EACH = 12;
    /** Small socket buffers and windows, so that a few bytes fill them. */
    private static final int SMALL = 8 * 1024;

    @Test
    void idleAndStalledConnectionsHoldNoThreads() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        List<String> errors = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        StreamOptions small = StreamOptions.builder().receiveBufferSize(SMALL).maxReceiveWindow(SMALL).build();
        List<SocketChannel> services = new ArrayList<>();
        try (StreamManager tunnel = StreamManager.open(network.endpoint("tunnel"), small);
             StreamManager peer = StreamManager.open(network.endpoint("peer"), small);
             ServerSocketChannel service = ServerSocketChannel.open();
             Sessions sessions = new Sessions(NAME, errors::add, Duration.ofMinutes(10), 3 * EACH)) {
            service.setOption(StandardSocketOptions.SO_RCVBUF, SMALL);
            service.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            StreamServerSocket serverSocket = tunnel.serverSocket();
            List<StreamSocket> peers = new ArrayList<>();
            List<Splice> splices = new ArrayList<>();
            for (int i = 0; i < 3 * EACH; i++) {
                Future<StreamSocket> accepted = threads.submit(() -> serverSocket.accept());
                peers.add(peer.connect(tunnel.localDestination()));
                SocketChannel tcp = SocketChannel.open();
                tcp.setOption(StandardSocketOptions.SO_SNDBUF, SMALL);
                tcp.setOption(StandardSocketOptions.SO_RCVBUF, SMALL);
                tcp.connect(service.getLocalAddress());
                SocketChannel serviceSide = service.accept();
                serviceSide.configureBlocking(false);
                services.add(serviceSide);
                Splice splice = new Splice(tcp, accepted.get(10, TimeUnit.SECONDS), "connection " + i);
                splices.add(splice);
                sessions.start(splice, s -> { });
            }
            // The first EACH stay idle; the next EACH have a service that never reads, the last a peer that never reads.
            byte[] chunk = new byte[64 * 1024];
            ByteBuffer fromService = ByteBuffer.allocate(64 * 1024);
            Await.until("every service that never reads has its tunnel's writes to it stalled", () -> {
                boolean all = true;
                for (int i = EACH; i < 2 * EACH; i++) {
                    all &= writeNow(peers.get(i), chunk) == 0 && splices.get(i).tcpStalledNanos(System.nanoTime()) > 0;
                }
                return all;
            });
            Await.until("every peer that never reads has its tunnel waiting for credit", () -> {
                boolean all = true;
                for (int i = 2 * EACH; i < 3 * EACH; i++) {
                    all &= write(services.get(i), fromService.clear()) == 0 && splices.get(i).creditStalledNanos(System.nanoTime()) > 0;
                }
                return all;
            });

            Await.until(() -> "the tunnel's threads down to its selector and timer, now " + tunnelThreads(),
                    () -> tunnelThreads().size() == 2);
            assertThat(tunnelThreads()).containsExactlyInAnyOrder("ministreaming-" + NAME + "-selector", "ministreaming-" + NAME + "-watchdog");
            assertThat(sessions.open()).as("every connection is still open").isEqualTo(3 * EACH);
            assertThat(errors).isEmpty();
            peers.forEach(StreamSocket::close);
            for (SocketChannel channel : services) {
                channel.close();
            }
            Await.until("every connection ended once both its ends left", () -> sessions.open() == 0);
        } finally {
            for (SocketChannel channel : services) {
                channel.close();
            }
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY);
    }

    private static List<String> tunnelThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("ministreaming-" + NAME + "-")).toList();
    }

    private static int writeNow(StreamSocket socket, byte[] chunk) {
        try {
            return socket.writeNow(chunk, 0, chunk.length);
        } catch (IOException e) {
            throw new AssertionError("the peer's stream failed: " + e, e);
        }
    }

    private static int write(SocketChannel channel, ByteBuffer bytes) {
        try {
            return channel.write(bytes);
        } catch (IOException e) {
            throw new AssertionError("the service's connection failed: " + e, e);
        }
    }
}
