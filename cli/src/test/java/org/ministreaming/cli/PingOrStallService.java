package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The service behind a sieged tunnel: answers {@code ping} with {@code pong}; after {@code stall}
 * never reads from that connection again. Serves each connection on {@code threads}; thread-safe.
 */
final class PingOrStallService implements AutoCloseable {

    private final ServerSocket listening;
    private final Executor threads;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    PingOrStallService(Executor threads) {
        this.threads = threads;
        try {
            listening = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::acceptAll);
    }

    /** The port it listens on, on the loopback address. */
    int port() {
        return listening.getLocalPort();
    }

    /** The connections that said {@code stall} and are held unread. */
    int stalled() {
        return held.size();
    }

    private void acceptAll() {
        try {
            while (true) {
                Socket accepted = listening.accept();
                threads.execute(() -> serve(accepted));
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private void serve(Socket socket) {
        try {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = socket.getInputStream().read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
            if (line.toString().equals("stall")) {
                held.add(socket); // never read again
                return;
            }
            socket.getOutputStream().write("pong\n".getBytes(US_ASCII));
            socket.close();
        } catch (IOException e) {
            // the tunnel closed it
        }
    }

    /** Stops listening and closes the held connections. */
    @Override
    public void close() throws IOException {
        listening.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}
