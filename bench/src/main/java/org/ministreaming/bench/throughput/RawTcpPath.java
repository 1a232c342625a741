package org.ministreaming.bench.throughput;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw TCP: {@code java.net.Socket} pairs on 127.0.0.1, with {@code TCP_NODELAY} as the transport's
 * links, one pair per stream. Not thread-safe (one transfer at a time, as {@link Path} says).
 */
public final class RawTcpPath implements Path {

    private final ServerSocket server;

    /**
     * Listens on an ephemeral port of 127.0.0.1.
     *
     * @throws IOException if it cannot listen
     */
    public RawTcpPath() throws IOException {
        server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.setSoTimeout((int) Tasks.STALL_TIMEOUT.toMillis());
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "raw TCP";
    }

    @Override
    public List<Stream> open(int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Socket from = new Socket();
                sockets.add(from);
                from.connect(server.getLocalSocketAddress(), (int) Tasks.STALL_TIMEOUT.toMillis());
                Socket to = server.accept();
                sockets.add(to);
                from.setTcpNoDelay(true);
                to.setTcpNoDelay(true);
                to.setSoTimeout((int) Tasks.STALL_TIMEOUT.toMillis());
                streams.add(new Stream(from.getOutputStream(), to.getInputStream(), from, to));
            }
            return streams;
        } catch (IOException e) {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing what failed to connect
                }
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
