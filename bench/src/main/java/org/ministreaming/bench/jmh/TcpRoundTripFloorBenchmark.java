package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under {@link OpenCloseBenchmark} over TCP: its two round trips (SYN and ACK, then the
 * byte and its answer) as two 1-byte round trips over one loopback TCP connection opened
 * beforehand, each client thread with its own connection and a server thread that answers each
 * byte at once ({@code TCP_NODELAY}). No link loop, no protocol, no close: whatever carries the
 * exchange over a TCP connection and waits for its peer in blocking calls makes at least these
 * two round trips and four wake-ups, so its rate cannot pass this one's on the same machine.
 * Measured with 1 and with 8 client threads.
 */
@State(Scope.Thread)
public class TcpRoundTripFloorBenchmark extends ExchangeBenchmark {

    private Socket client;
    private InputStream in;
    private OutputStream out;
    private Thread answering;

    /** Opens this client thread's connection and starts its server thread. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listening.setSoTimeout((int) STALL.toMillis());
            client = new Socket(listening.getInetAddress(), listening.getLocalPort());
            Socket server = listening.accept();
            for (Socket socket : new Socket[] {client, server}) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) STALL.toMillis());
            }
            in = client.getInputStream();
            out = client.getOutputStream();
            answering = new Thread(() -> answer(server), "bench-round-trip");
            answering.start();
        }
    }

    /** Closes the connection, which ends the server thread, and waits for it. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        client.close();
        answering.join(STALL.toMillis());
        if (answering.isAlive()) {
            throw new IllegalStateException("the server thread did not stop");
        }
    }

    @Override
    int exchange() throws IOException {
        out.write(1);
        AnsweringServer.expectByte(in);
        out.write(1);
        return AnsweringServer.expectByte(in);
    }

    /** Answers each byte b with b + 1 until the client closes. */
    private static void answer(Socket server) {
        try (server; InputStream from = server.getInputStream(); OutputStream to = server.getOutputStream()) {
            for (int b = from.read(); b >= 0; b = from.read()) {
                to.write(b + 1);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the server's side of a round trip failed", e);
        }
    }
}
