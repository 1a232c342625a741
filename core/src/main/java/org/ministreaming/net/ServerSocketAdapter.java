package org.ministreaming.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.Destination;

/**
 * A {@link java.net.ServerSocket} over a ministreaming {@link StreamServerSocket}, for programs
 * written against {@code java.net}: {@link #accept()} returns {@link SocketAdapter}s. It is bound
 * from the start to its manager's destination ({@link #getLocalSocketAddress()}, a
 * {@link DestinationAddress}); {@link #getInetAddress()} is {@code null} and
 * {@link #getLocalPort()} -1, since there is no IP address. Closing it stops accepting and
 * leaves the manager and the accepted sockets open. The options {@code SO_REUSEADDR} and
 * {@code SO_RCVBUF} are kept and change nothing; {@link #setOption} supports no option.
 *
 * <p>Thread-safe: several threads may accept at once, and any thread may close, which fails
 * blocked accepts at once with a {@link SocketException}.
 */
public final class ServerSocketAdapter extends ServerSocket {

    private final StreamServerSocket server;
    private final Destination local;
    private volatile int soTimeoutMillis;
    private volatile boolean reuseAddress;
    private volatile int receiveBufferSize = KeptOptionsSocket.BUFFER_SIZE;

    /**
     * Takes the incoming connections of {@code manager} (its {@link StreamManager#serverSocket()}).
     *
     * @throws IOException if the manager is closed
     */
    public ServerSocketAdapter(StreamManager manager) throws IOException {
        this(manager.serverSocket(), manager.localDestination());
    }

    /** Takes the connections of {@code server}, whose manager's destination is {@code local}. */
    public ServerSocketAdapter(StreamServerSocket server, Destination local) throws IOException {
        this.server = Objects.requireNonNull(server, "server");
        this.local = Objects.requireNonNull(local, "local");
    }

    /**
     * Waits for the next incoming connection, up to {@code SO_TIMEOUT} if set.
     *
     * @throws java.net.SocketTimeoutException if none came in time; the server socket stays open
     * @throws SocketException if this server socket or its manager is closed
     * @throws java.io.InterruptedIOException if interrupted (the flag stays set)
     */
    @Override
    public SocketAdapter accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        int timeout = soTimeoutMillis;
        StreamSocket socket = timeout == 0 ? server.accept() : server.accept(Duration.ofMillis(timeout));
        return new SocketAdapter(socket, local);
    }

    /**
     * Refused: a ministreaming server socket is bound to its manager's destination from the start.
     *
     * @throws SocketException always
     */
    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        throw new SocketException("Already bound to " + local
                + ": a ministreaming server socket takes its manager's destination; set the backlog in StreamOptions");
    }

    /** Always {@code null}: a destination is not an IP address (see {@link #getLocalSocketAddress()}). */
    @Override
    public InetAddress getInetAddress() {
        return null;
    }

    /** Always -1: a destination has no port. */
    @Override
    public int getLocalPort() {
        return -1;
    }

    /** The manager's destination. */
    @Override
    public SocketAddress getLocalSocketAddress() {
        return new DestinationAddress(local);
    }

    /** Always {@code true}. */
    @Override
    public boolean isBound() {
        return true;
    }

    /** Whether this server socket (or its manager) was closed. */
    @Override
    public boolean isClosed() {
        return server.isClosed();
    }

    /**
     * Stops accepting: blocked accepts fail, waiting connections are refused. The manager and
     * the accepted sockets stay open. Idempotent.
     */
    @Override
    public void close() {
        server.close();
    }

    /** Sets how long {@link #accept()} waits, in milliseconds; 0 waits forever. */
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        checkOpen();
        soTimeoutMillis = timeout;
    }

    /** How long {@link #accept()} waits, in milliseconds; 0 means forever. */
    @Override
    public int getSoTimeout() throws IOException {
        checkOpen();
        return soTimeoutMillis;
    }

    /** Kept, no effect. */
    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        checkOpen();
        reuseAddress = on;
    }

    /** What was set, {@code false} by default. */
    @Override
    public boolean getReuseAddress() throws SocketException {
        checkOpen();
        return reuseAddress;
    }

    /** Kept, no effect: the receive buffer is the manager's. */
    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        receiveBufferSize = KeptOptionsSocket.positive(size);
        checkOpen();
    }

    /** What was set, 64 KiB by default. */
    @Override
    public int getReceiveBufferSize() throws SocketException {
        checkOpen();
        return receiveBufferSize;
    }

    /** No effect. */
    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    }

    /** Refused, as no socket option applies to ministreaming. */
    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        return unsupported(name);
    }

    /** Refused, as no socket option applies to ministreaming. */
    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return unsupported(name);
    }

    /** None. */
    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public String toString() {
        return "ServerSocketAdapter[" + local + (isClosed() ? " closed" : "") + "]";
    }

    private void checkOpen() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
    }

    private <T> T unsupported(SocketOption<?> name) throws IOException {
        Objects.requireNonNull(name, "name");
        checkOpen();
        throw new UnsupportedOperationException("'" + name.name() + "' not supported: no socket option applies to a ministreaming server socket");
    }
}
