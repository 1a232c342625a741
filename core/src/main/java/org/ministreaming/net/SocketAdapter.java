package org.ministreaming.net;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;

/**
 * A {@link java.net.Socket} over a ministreaming connection, for programs written against
 * {@code java.net}: made connected by {@link ServerSocketAdapter#accept()}, or unconnected by a
 * {@link DestinationSocketFactory} or {@link #SocketAdapter(StreamManager)} and then connected
 * to a {@link DestinationAddress} (or, from a factory, to a host and port it maps).
 *
 * <p>What differs from a TCP socket:
 * <ul>
 *   <li>Addresses are destinations: {@link #getRemoteSocketAddress()} and
 *       {@link #getLocalSocketAddress()} return {@link DestinationAddress}es;
 *       {@link #getInetAddress()} is {@code null}, {@link #getPort()} 0, {@link #getLocalPort()}
 *       -1 and {@link #getLocalAddress()} the wildcard address, since there is no IP address.</li>
 *   <li>The protocol has no half-close: {@link #shutdownInput()} and {@link #shutdownOutput()}
 *       throw a {@link SocketException} saying so. Close the socket instead; the peer reads the
 *       bytes sent before, then end of stream.</li>
 *   <li>A blocked read or connect that is interrupted throws
 *       {@link java.io.InterruptedIOException} and keeps the thread's interrupt flag; the socket
 *       stays open.</li>
 *   <li>{@link #connect(SocketAddress, int)} with timeout 0 waits for the manager's connect
 *       timeout; a {@link #close()} from another thread during a connect ends it at once, as
 *       with TCP: the connect throws {@code SocketException("Socket closed")} (the close
 *       interrupts the connecting thread and clears its interrupt flag again).</li>
 *   <li>TCP's options (no delay, keep-alive, linger, buffer sizes, traffic class, reuse address,
 *       OOB inline) are kept and reported back but change nothing: writes are never held back,
 *       and buffers are the manager's ({@link org.ministreaming.StreamOptions}).
 *       {@link #setOption} and {@link #getOption} support no option.</li>
 * </ul>
 *
 * <p>Thread-safe: one thread may read while another writes, and any thread may close, which
 * wakes a blocked reader at once with a {@link SocketException}.
 */
public final class SocketAdapter extends KeptOptionsSocket {

    private final StreamManager manager;
    private final Destination local;
    private final DestinationSocketFactory.Mapping mapping;
    private final Object lock = new Object();
    private volatile StreamSocket stream;
    private volatile InputStream input;
    private volatile OutputStream output;
    private volatile boolean closed;
    private volatile boolean bound;
    private volatile int soTimeoutMillis;
    private boolean connecting;
    /** The thread in {@link #connect(SocketAddress, int)}, for a close to interrupt; guarded by {@code lock}. */
    private Thread connectingThread;
    /** Whether a close interrupted the connecting thread, which then clears the flag; guarded by {@code lock}. */
    private boolean connectInterrupted;

    /**
     * An unconnected socket that connects through {@code manager} to a
     * {@link DestinationAddress}.
     *
     * @throws SocketException never in practice ({@link java.net.Socket}'s constructor declares it)
     */
    public SocketAdapter(StreamManager manager) throws SocketException {
        this(manager, null);
    }

    /** An unconnected socket of a factory: {@code mapping} turns host and port into a destination. */
    SocketAdapter(StreamManager manager, DestinationSocketFactory.Mapping mapping) throws SocketException {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.local = manager.localDestination();
        this.mapping = mapping;
    }

    /**
     * A connected socket over {@code connected}, such as one from
     * {@link org.ministreaming.StreamServerSocket#accept()}; {@code local} is the destination of
     * its manager. It takes the socket's read timeout as its {@code SO_TIMEOUT}.
     *
     * @throws SocketException never in practice ({@link java.net.Socket}'s constructor declares it)
     */
    public SocketAdapter(StreamSocket connected, Destination local) throws SocketException {
        this.manager = null;
        this.local = Objects.requireNonNull(local, "local");
        this.mapping = null;
        this.soTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Deadline.millis(connected.getReadTimeout()));
        attach(connected);
    }

    /** The ministreaming socket underneath, or {@code null} before the connect. */
    public StreamSocket streamSocket() {
        return stream;
    }

    /** Connects with the manager's connect timeout; see {@link #connect(SocketAddress, int)}. */
    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /**
     * Connects to {@code endpoint}: a {@link DestinationAddress}, or on a socket made by a
     * {@link DestinationSocketFactory} an {@link InetSocketAddress} (resolved or not) that the
     * factory maps to a destination.
     *
     * @param timeout milliseconds to wait for the peer's answer; 0 waits for the manager's
     *     connect timeout
     * @throws IllegalArgumentException if {@code endpoint} is null or of a kind this socket
     *     cannot connect to, or {@code timeout} is negative
     * @throws java.net.UnknownHostException if the factory maps the host to no destination
     * @throws java.net.ConnectException if the peer refused or the transport cannot reach it
     * @throws java.net.SocketTimeoutException if the peer did not answer in time
     * @throws SocketException if this socket is closed, connected, or connecting, or the manager is closed
     * @throws IOException a {@link org.ministreaming.PeerLostException} if the way to the peer failed
     *     before it answered
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("connect timeout must not be negative: " + timeout);
        }
        Destination peer = destinationOf(endpoint);
        synchronized (lock) {
            checkOpen();
            if (stream != null || connecting) {
                throw new SocketException(stream != null ? "Already connected" : "Already connecting");
            }
            connecting = true;
            connectingThread = Thread.currentThread();
        }
        StreamSocket connected = null;
        try {
            connected = timeout == 0 ? manager.connect(peer) : manager.connect(peer, Duration.ofMillis(timeout));
        } catch (InterruptedIOException e) {
            synchronized (lock) {
                if (connectInterrupted) {
                    throw (SocketException) new SocketException("Socket closed while connecting to " + peer).initCause(e);
                }
            }
            throw e;
        } finally {
            synchronized (lock) {
                connecting = false;
                connectingThread = null;
                if (connectInterrupted) {
                    Thread.interrupted(); // the close's interrupt, not the caller's
                    connectInterrupted = false;
                }
                if (connected != null && !closed) {
                    connected.setReadTimeout(Duration.ofMillis(soTimeoutMillis));
                    attach(connected);
                }
            }
        }
        if (stream != connected) {
            connected.close();
            throw new SocketException("Socket closed while connecting to " + peer);
        }
    }

    private Destination destinationOf(SocketAddress endpoint) throws IOException {
        if (endpoint instanceof DestinationAddress address) {
            return address.destination();
        }
        if (endpoint instanceof InetSocketAddress address && mapping != null) {
            return mapping.destination(address.getHostString(), address.getPort());
        }
        throw new IllegalArgumentException("a ministreaming socket connects to a DestinationAddress"
                + (manager == null ? "" : ", or to a host and port through a DestinationSocketFactory that maps them")
                + "; got " + (endpoint == null ? "null" : endpoint.getClass().getName() + " " + endpoint));
    }

    private void attach(StreamSocket connected) {
        input = new Input(connected.getInputStream());
        output = new Output(connected.getOutputStream());
        stream = connected;
    }

    /**
     * Accepts only {@code null} or this socket's own {@link DestinationAddress}: the local
     * address is always the manager's destination. Binds once, as with TCP.
     *
     * @throws SocketException for any other address, or if closed or already bound (or connected)
     */
    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        checkOpen();
        if (isBound()) {
            throw new SocketException("Already bound");
        }
        if (bindpoint != null && !bindpoint.equals(new DestinationAddress(local))) {
            throw new SocketException("Cannot bind to " + bindpoint
                    + ": a ministreaming socket's local address is its manager's destination " + local);
        }
        bound = true;
    }

    /**
     * The bytes from the peer. Reads block until data arrives, the peer closes (end of stream),
     * or {@code SO_TIMEOUT} passes ({@link java.net.SocketTimeoutException}, the socket stays
     * usable). Closing it closes this socket.
     *
     * @throws SocketException if this socket is closed or not connected
     */
    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        checkConnected();
        return input;
    }

    /**
     * The bytes to the peer, sent at once. Closing it closes this socket.
     *
     * @throws SocketException if this socket is closed or not connected
     */
    @Override
    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        checkConnected();
        return output;
    }

    /**
     * Sets how long reads wait, in milliseconds; 0 waits forever. A read already waiting keeps
     * the timeout it started with.
     */
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        checkOpen();
        synchronized (lock) {
            soTimeoutMillis = timeout;
            StreamSocket connected = stream;
            if (connected != null) {
                connected.setReadTimeout(Duration.ofMillis(timeout));
            }
        }
    }

    /** How long reads wait, in milliseconds; 0 means forever. */
    @Override
    public int getSoTimeout() throws SocketException {
        checkOpen();
        return soTimeoutMillis;
    }

    /**
     * Refused: the protocol has no half-close.
     *
     * @throws SocketException always, saying why
     */
    @Override
    public void shutdownInput() throws IOException {
        checkOpen();
        checkConnected();
        throw new SocketException("shutdownInput is not supported: the ministreaming protocol has no half-close"
                + " (a close ends the connection both ways); close the socket instead");
    }

    /**
     * Refused: the protocol has no half-close, so the peer cannot be told that no more bytes
     * come while it may still send.
     *
     * @throws SocketException always, saying why
     */
    @Override
    public void shutdownOutput() throws IOException {
        checkOpen();
        checkConnected();
        throw new SocketException("shutdownOutput is not supported: the ministreaming protocol has no half-close"
                + " (a close ends the connection both ways); close the socket once the peer has sent what it will");
    }

    /** Always {@code false}: see {@link #shutdownInput()}. */
    @Override
    public boolean isInputShutdown() {
        return false;
    }

    /** Always {@code false}: see {@link #shutdownOutput()}. */
    @Override
    public boolean isOutputShutdown() {
        return false;
    }

    /**
     * Closes the connection both ways: bytes written before go first, then the close; a blocked
     * reader fails at once. Idempotent. A connect in progress on another thread is closed when
     * it returns.
     */
    @Override
    public void close() {
        StreamSocket connected;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            connected = stream;
            if (connectingThread != null) {
                connectInterrupted = true;
                connectingThread.interrupt();
            }
        }
        if (connected != null) {
            connected.close();
        }
    }

    /** Whether this socket was connected; stays true after a close, as with TCP. */
    @Override
    public boolean isConnected() {
        return stream != null;
    }

    /** Whether this socket was bound or connected: its local address is its manager's from then on. */
    @Override
    public boolean isBound() {
        return bound || isConnected();
    }

    /**
     * Whether this side closed the socket. A close by the peer shows as end of stream on reads
     * and an {@link IOException} on writes, as with TCP.
     */
    @Override
    public boolean isClosed() {
        return closed;
    }

    /** The peer's destination, or {@code null} before the connect. */
    @Override
    public SocketAddress getRemoteSocketAddress() {
        StreamSocket connected = stream;
        return connected == null ? null : new DestinationAddress(connected.peer());
    }

    /** The manager's destination. */
    @Override
    public SocketAddress getLocalSocketAddress() {
        return new DestinationAddress(local);
    }

    /** Always {@code null}: a destination is not an IP address (see {@link #getRemoteSocketAddress()}). */
    @Override
    public InetAddress getInetAddress() {
        return null;
    }

    /** Always 0: a destination has no port. */
    @Override
    public int getPort() {
        return 0;
    }

    /** The wildcard address: a destination is not an IP address (see {@link #getLocalSocketAddress()}). */
    @Override
    public InetAddress getLocalAddress() {
        return new InetSocketAddress(0).getAddress();
    }

    /** Always -1: a destination has no port. */
    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public String toString() {
        StreamSocket connected = stream;
        return "SocketAdapter[" + local + (connected == null ? " unconnected" : " <-> " + connected.peer())
                + (closed ? " closed" : "") + "]";
    }

    @Override
    void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    private void checkConnected() throws SocketException {
        if (stream == null) {
            throw new SocketException("Socket is not connected");
        }
    }

    /** The socket's input; closing it closes the socket. */
    private final class Input extends FilterInputStream {
        Input(InputStream in) {
            super(in);
        }

        /** @throws SocketException once the socket is closed, as with TCP */
        @Override
        public int available() throws IOException {
            if (closed) {
                throw new SocketException("Socket closed");
            }
            return in.available();
        }

        @Override
        public void close() {
            SocketAdapter.this.close();
        }
    }

    /** The socket's output, written through whole; closing it closes the socket. */
    private final class Output extends FilterOutputStream {
        Output(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            out.write(source, offset, length);
        }

        @Override
        public void close() {
            SocketAdapter.this.close();
        }
    }
}
