package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The physical reference for {@link OpenCloseBenchmark}: the same exchange over raw TCP on
 * loopback, one kernel connection per exchange ({@code java.net.Socket}, {@code TCP_NODELAY}).
 * The client connects, writes one byte, reads the server's 1-byte answer and closes; the server
 * reads the byte, answers and closes, with the same threads as there ({@code shape}). Measured
 * with 1 and with 8 client threads.
 */
@State(Scope.Benchmark)
public class RawOpenCloseBenchmark extends ExchangeBenchmark {

    private static final int BACKLOG = 1024;

    /** The server's threads ({@link AnsweringServer.Shape}): {@code pool} or {@code acceptors}. */
    @Param({"pool", "acceptors"})
    public String shape = "pool";

    private ServerSocket listening;
    private InetSocketAddress address;
    private AnsweringServer<Socket> answering;

    /** Listens on an ephemeral loopback port and starts the server's accept loop. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        listening = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        listening.setSoTimeout((int) STALL.toMillis());
        address = (InetSocketAddress) listening.getLocalSocketAddress();
        answering = new AnsweringServer<>(AnsweringServer.Shape.named(shape), listening::accept, socket -> {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) STALL.toMillis());
            AnsweringServer.expectByte(socket.getInputStream());
            socket.getOutputStream().write(2);
        });
    }

    /** Stops the server's threads and closes the listening socket. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        listening.close();
        answering.stop(STALL);
    }

    @Override
    int exchange() throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) STALL.toMillis());
            socket.connect(address, (int) STALL.toMillis());
            socket.getOutputStream().write(1);
            return AnsweringServer.expectByte(socket.getInputStream());
        }
    }
}
