package org.ministreaming.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Raw TCP on loopback, for scale: {@code java.net} sockets with {@code TCP_NODELAY}, as the TCP transport's links. */
final class TcpPath implements StreamPath {

    private final ServerSocket serverSocket;
    private final int readTimeoutMillis;

    private TcpPath(ServerSocket serverSocket, Duration readTimeout) {
        this.serverSocket = serverSocket;
        this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
    }

    /** Listens on a free loopback port; reads on either end wait at most {@code readTimeout}. */
    static TcpPath open(Duration readTimeout) throws IOException {
        return new TcpPath(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), readTimeout);
    }

    @Override
    public String name() {
        return "raw TCP, loopback";
    }

    @Override
    public Link connect() throws IOException {
        return link(new Socket(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort()));
    }

    @Override
    public Link accept() throws IOException {
        return link(serverSocket.accept());
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }

    private Link link(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(readTimeoutMillis);
        return new Link(socket.getInputStream(), socket.getOutputStream(), socket);
    }
}
