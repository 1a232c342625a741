package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.reliable.ReliableTransport;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * A server with no thread of its own: it accepts ({@code acceptNow} on {@code onAcceptable}) and
 * answers ({@code readNow} and {@code writeNow} on {@code onReadable}) in callbacks run where they
 * are called, on the transport's receiving thread, or on a client's thread that hands a message
 * over in memory. Eight client threads open, exchange a byte each way and close, many times over:
 * every exchange gets its own answer, and every connection the server took is answered. Both
 * sides close at once each time, so a close often crosses the other's: one that arrives as its
 * connection ends, before the connection has left its session, counts as for a connection that
 * is gone, never as a message the connection did not expect.
 */
class CallbackServerStressTest {

    private static final int CLIENTS = 8;
    private static final int EXCHANGES = 1000;

    private final List<StreamManager> managers = new ArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);

    @AfterEach
    void stop() throws InterruptedException {
        managers.forEach(StreamManager::close);
        clients.shutdownNow();
        assertThat(clients.awaitTermination(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "tcp", "reliable"})
    void eightClientsAgainstAServerInCallbacks(String transport) throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager server = open(transport.equals("tcp") ? TcpTransport.plain().listen("tcp://127.0.0.1:0").build()
                : transport.equals("memory") ? network.endpoint("server") : ReliableTransport.builder(network.endpoint("server")).build());
        StreamManager client = open(transport.equals("tcp") ? TcpTransport.plain().build()
                : transport.equals("memory") ? network.endpoint("client") : ReliableTransport.builder(network.endpoint("client")).build());
        InPlaceServer answering = new InPlaceServer(server.serverSocket());

        List<Future<Integer>> runs = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int first = c * EXCHANGES;
            runs.add(clients.submit(() -> {
                for (int i = 0; i < EXCHANGES; i++) {
                    try (StreamSocket socket = client.connect(server.localDestination())) {
                        int value = (first + i) & 0x7F;
                        socket.getOutputStream().write(value);
                        int answer = socket.getInputStream().read();
                        assertThat(answer).as("the answer to %d", value).isEqualTo(value + 1);
                    }
                }
                return EXCHANGES;
            }));
        }
        int done = 0;
        for (Future<Integer> run : runs) {
            done += run.get(Await.LIMIT.toSeconds() * 4, TimeUnit.SECONDS);
        }

        assertThat(done).isEqualTo(CLIENTS * EXCHANGES);
        Await.until("every connection the server took was answered", () -> answering.answered.get() == CLIENTS * EXCHANGES);
        assertThat(answering.failures).isEmpty();
        for (StreamManager manager : managers) {
            assertThat(manager.statistics().get(Counter.UNEXPECTED)).as("unexpected messages at %s", manager).isZero();
        }
    }

    private StreamManager open(Transport transport) throws IOException {
        StreamManager manager = StreamManager.open(transport, StreamOptions.builder().synsPerSecondPerPeer(1_000_000)
                .connectTimeout(Await.LIMIT).readTimeout(Await.LIMIT).writeTimeout(Await.LIMIT).build());
        managers.add(manager);
        return manager;
    }
}
