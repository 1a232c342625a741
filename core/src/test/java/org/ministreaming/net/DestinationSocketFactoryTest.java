package org.ministreaming.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.memory.MemoryNetwork;

/** The SocketFactory: fixed and mapped destinations, refusals, many sockets at once. */
class DestinationSocketFactoryTest {

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<Thread> echoThreads = new ArrayList<>();
    private StreamManager client;
    private StreamManager web;
    private StreamManager db;
    private ServerSocketAdapter webServer;
    private ServerSocketAdapter dbServer;

    @BeforeEach
    void start() throws IOException {
        StreamOptions options = StreamOptions.builder().acceptBacklog(256).maxConnectionsPerPeer(256).build();
        client = StreamManager.open(network.endpoint("client"), options);
        web = StreamManager.open(network.endpoint("web"), options);
        db = StreamManager.open(network.endpoint("db"), options);
        webServer = echo(web, 'w');
        dbServer = echo(db, 'd');
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        web.close();
        db.close();
        for (Thread thread : echoThreads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
        }
    }

    /** A server that answers each connection with {@code tag}, then echoes it. */
    private ServerSocketAdapter echo(StreamManager manager, char tag) throws IOException {
        ServerSocketAdapter server = new ServerSocketAdapter(manager);
        Thread loop = new Thread(() -> {
            try {
                while (true) {
                    Socket socket = server.accept();
                    Thread echo = new Thread(() -> {
                        try (socket) {
                            socket.getOutputStream().write(tag);
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException ended) {
                            // the manager closed under it
                        }
                    }, "test-echo");
                    echo.setDaemon(true);
                    echo.start();
                }
            } catch (IOException closed) {
                // the server socket closed
            }
        }, "test-accept");
        loop.setDaemon(true);
        loop.start();
        echoThreads.add(loop);
        return server;
    }

    @Test
    void aFixedFactoryDialsItsDestinationWhateverHostItIsGiven() throws Exception {
        DestinationSocketFactory factory = DestinationSocketFactory.fixed(client, db.localDestination());
        try (Socket a = factory.createSocket("anything.example", 80);
             Socket b = factory.createSocket(InetAddress.getLoopbackAddress(), 5432)) {
            assertThat(a.getInputStream().read()).isEqualTo('d');
            assertThat(b.getInputStream().read()).isEqualTo('d');
            assertThat(a.getRemoteSocketAddress()).isEqualTo(new DestinationAddress(db.localDestination()));
        }
    }

    @Test
    void aMappedFactoryDialsByHostAndPortThenByHost() throws Exception {
        DestinationSocketFactory factory = DestinationSocketFactory.mapped(client, Map.of(
                "service:80", web.localDestination(),
                "service", db.localDestination(),
                "localhost:8080", web.localDestination()));
        try (Socket byPort = factory.createSocket("service", 80);
             Socket byHost = factory.createSocket("service", 5432);
             Socket resolved = factory.createSocket(InetAddress.getByName("localhost"), 8080);
             Socket unconnected = factory.createSocket()) {
            unconnected.connect(InetSocketAddress.createUnresolved("service", 1), 5000);
            assertThat(byPort.getInputStream().read()).isEqualTo('w');
            assertThat(byHost.getInputStream().read()).isEqualTo('d');
            assertThat(resolved.getInputStream().read()).isEqualTo('w');
            assertThat(unconnected.getInputStream().read()).isEqualTo('d');
        }
        assertThatThrownBy(() -> factory.createSocket("elsewhere", 80))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("elsewhere:80");
    }

    @Test
    void aLocalBindingIsRefused() throws Exception {
        DestinationSocketFactory factory = DestinationSocketFactory.fixed(client, web.localDestination());
        assertThatThrownBy(() -> factory.createSocket("web", 80, InetAddress.getLoopbackAddress(), 0))
                .isInstanceOf(SocketException.class).hasMessageContaining("local address");
        assertThatThrownBy(() -> factory.createSocket(InetAddress.getLoopbackAddress(), 80, null, 4000))
                .isInstanceOf(SocketException.class);
        try (Socket socket = factory.createSocket("web", 80, null, 0)) {
            assertThat(socket.getInputStream().read()).isEqualTo('w');
        }
    }

    @Test
    void aFailedConnectLeavesNoSocketOpen() throws Exception {
        dbServer.close();
        DestinationSocketFactory factory = DestinationSocketFactory.fixed(client, db.localDestination());
        assertThatThrownBy(() -> factory.createSocket("db", 1)).isInstanceOf(java.net.ConnectException.class);
        assertThat(webServer.isClosed()).isFalse();
    }

    @Test
    void manySocketsAtOnceEachGetTheirOwnBytesBack() throws Exception {
        DestinationSocketFactory factory = DestinationSocketFactory.mapped(client,
                Map.of("web", web.localDestination(), "db", db.localDestination()));
        int sockets = 64;
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            int seed = i;
            results.add(Async.run(() -> {
                Random random = new Random(seed);
                byte[] sent = new byte[1 + random.nextInt(200_000)];
                random.nextBytes(sent);
                String host = seed % 2 == 0 ? "web" : "db";
                try (Socket socket = factory.createSocket(host, 80)) {
                    socket.setSoTimeout(30_000);
                    CompletableFuture<Void> writer = Async.run(() -> {
                        socket.getOutputStream().write(sent);
                        return null;
                    });
                    int tag = socket.getInputStream().read();
                    byte[] back = socket.getInputStream().readNBytes(sent.length);
                    writer.get(30, TimeUnit.SECONDS);
                    return tag == host.charAt(0) && Arrays.equals(back, sent);
                }
            }));
        }
        for (CompletableFuture<Boolean> result : results) {
            assertThat(result.get(120, TimeUnit.SECONDS)).isTrue();
        }
    }
}
