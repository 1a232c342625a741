package org.ministreaming.bench.jmh;

import java.io.IOException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.tcp.TcpTransport;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Connections per second: the client opens a connection, writes one byte, reads the server's
 * 1-byte answer and closes; the server accepts, reads the byte, answers and closes. Two managers
 * in this JVM, on the in-memory transport ({@code memory}) or on plain TCP over loopback, one link
 * between them ({@code tcp}); default options except a SYN rate per peer high enough not to be
 * the bound (the default, 200 per second, would be) and timeouts that turn a broken run into an
 * error. Measured with 1 and with 8 client threads sharing the two managers; the server accepts
 * on one thread and answers on a pool of 8 ({@code shape=pool}), or on 8 threads that each accept
 * and answer ({@code shape=acceptors}), {@link AnsweringServer}; or it has no threads of its own
 * and accepts and answers in readiness callbacks run by the transport's receiving thread
 * ({@code shape=events}), {@link CallbackServer}.
 */
@State(Scope.Benchmark)
public class OpenCloseBenchmark extends ExchangeBenchmark {

    /** The transport under both managers: {@code memory} or {@code tcp}. */
    @Param({"memory", "tcp"})
    public String transport = "memory";

    /**
     * The server's threads: {@code pool} or {@code acceptors} ({@link AnsweringServer.Shape}), or
     * {@code events}, none of its own ({@link CallbackServer}).
     */
    @Param({"pool", "acceptors", "events"})
    public String shape = "pool";

    private StreamManager server;
    private StreamManager client;
    private StreamServerSocket listening;
    private AnsweringServer<StreamSocket> answering;
    private CallbackServer callbacks;

    /** Opens both managers and starts the server's accept loop. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StreamOptions options = StreamOptions.builder()
                .synsPerSecondPerPeer(1_000_000)
                .connectTimeout(STALL).acceptTimeout(STALL).readTimeout(STALL).writeTimeout(STALL)
                .build();
        if (transport.equals("tcp")) {
            server = StreamManager.open(TcpTransport.plain().listen("tcp://127.0.0.1:0").build(), options);
            client = StreamManager.open(TcpTransport.plain().build(), options);
        } else {
            MemoryNetwork network = new MemoryNetwork();
            server = StreamManager.open(network.endpoint("server"), options);
            client = StreamManager.open(network.endpoint("client"), options);
        }
        listening = server.serverSocket();
        if (shape.equals("events")) {
            callbacks = new CallbackServer(listening);
            return;
        }
        answering = new AnsweringServer<>(AnsweringServer.Shape.named(shape), listening::accept, socket -> {
            AnsweringServer.expectByte(socket.getInputStream());
            socket.getOutputStream().write(2);
        });
    }

    /** Stops the server's threads and closes both managers. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        listening.close();
        client.close();
        server.close();
        if (answering != null) {
            answering.stop(STALL);
        } else {
            callbacks.checkNoFailure();
        }
    }

    @Override
    int exchange() throws IOException {
        try (StreamSocket socket = client.connect(server.localDestination())) {
            socket.getOutputStream().write(1);
            return AnsweringServer.expectByte(socket.getInputStream());
        }
    }
}
