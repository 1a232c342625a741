package org.ministreaming.i2p;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import net.i2p.I2PAppContext;
import net.i2p.I2PException;
import net.i2p.client.I2PSession;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.client.streaming.I2PSocketOptions;
import net.i2p.data.Destination;
import org.ministreaming.ConnectionRefusedException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.net.DestinationAddress;
import org.ministreaming.net.ServerSocketAdapter;
import org.ministreaming.net.SocketAdapter;

/**
 * I2P's {@link I2PSocketManager} over a ministreaming {@link StreamManager}, made by
 * {@link MinistreamingSocketManagerFactory}: code written for I2P's socket manager runs on
 * ministreaming, over I2CP or any other transport, once the manager is made there.
 *
 * <p>What cannot apply throws {@link UnsupportedOperationException} naming the reason: the
 * methods of {@link #getSession()}'s session other than {@code getMyDestination()} and
 * {@code isClosed()} (the I2CP session is the transport's own, and there is none on other
 * transports), {@link #addSubsession} and {@link #removeSubsession} (ministreaming has one
 * destination per manager), {@link #setAcceptTimeout} (fixed when the manager is made, in
 * {@link org.ministreaming.StreamOptions}), the {@link #ping(Destination, int, int, long, byte[])
 * ping with a payload} (a streaming protocol feature) and {@link #init} (managers are made by the
 * factory). Ports are ignored: the protocol has none.
 *
 * <p>Thread-safe.
 */
public final class I2pSocketManagerAdapter implements I2PSocketManager {

    private final StreamManager manager;
    private final I2pAddressing addressing;
    private final Set<I2pSocketAdapter> sockets = ConcurrentHashMap.newKeySet();
    private final List<DisconnectListener> disconnectListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private volatile I2PSocketOptions defaults;
    private volatile String name;
    private I2pServerSocketAdapter serverSocket;

    I2pSocketManagerAdapter(StreamManager manager, I2pAddressing addressing, I2PSocketOptions defaults, String name) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.addressing = Objects.requireNonNull(addressing, "addressing");
        this.defaults = new I2pSocketOptionsAdapter(defaults);
        this.name = name;
    }

    /** The ministreaming manager underneath. */
    public StreamManager streamManager() {
        return manager;
    }

    /** How I2P destinations map to this manager's. */
    public I2pAddressing addressing() {
        return addressing;
    }

    /**
     * A stand-in session that tells this manager's destination ({@code getMyDestination()}) and
     * whether it is destroyed ({@code isClosed()}); every other method throws
     * {@link UnsupportedOperationException}, since the I2CP session (if any) is the transport's own
     * and is replaced when the router comes back.
     */
    @Override
    public I2PSession getSession() {
        return SessionView.of(this);
    }

    /** Refused: one destination per manager. */
    @Override
    public I2PSession addSubsession(InputStream privateKeyStream, Properties opts) {
        throw new UnsupportedOperationException("addSubsession: ministreaming has one destination per manager, no subsessions");
    }

    /** Refused: one destination per manager. */
    @Override
    public void removeSubsession(I2PSession session) {
        throw new UnsupportedOperationException("removeSubsession: ministreaming has one destination per manager, no subsessions");
    }

    /** None: one destination per manager. */
    @Override
    public List<I2PSession> getSubsessions() {
        return List.of();
    }

    /** Refused: the accept timeout is fixed when the manager is made. */
    @Override
    public void setAcceptTimeout(long ms) {
        throw new UnsupportedOperationException("setAcceptTimeout: fixed when the manager is made"
                + " (StreamOptions.acceptTimeout, given to MinistreamingSocketManagerFactory)");
    }

    /** Milliseconds an incoming connection waits for {@code accept()} before it is refused. */
    @Override
    public long getAcceptTimeout() {
        return manager.options().acceptTimeout().toMillis();
    }

    /** The options {@link #connect(Destination)} and accepted sockets take; copied. */
    @Override
    public void setDefaultOptions(I2PSocketOptions options) {
        this.defaults = new I2pSocketOptionsAdapter(options);
    }

    @Override
    public I2PSocketOptions getDefaultOptions() {
        return defaults;
    }

    /**
     * The server socket; the same one every time until it is closed. Until it is first asked
     * for, incoming connections are refused. Never {@code null} and never throws, as I2P
     * defines it: once the manager is destroyed, the server socket is closed and its
     * {@code accept()} throws {@link ConnectException}.
     */
    @Override
    public synchronized I2PServerSocket getServerSocket() {
        if (serverSocket == null || serverSocket.isClosed()) {
            try {
                serverSocket = new I2pServerSocketAdapter(manager.serverSocket(), this);
            } catch (IOException destroyed) {
                if (serverSocket == null) {
                    serverSocket = new I2pServerSocketAdapter(null, this);
                }
            }
        }
        return serverSocket;
    }

    /** A copy of the default options. */
    @Override
    public I2PSocketOptions buildOptions() {
        return new I2pSocketOptionsAdapter(defaults);
    }

    /** The default options with the socket options in {@code opts}; see {@link I2pSocketOptionsAdapter}. */
    @Override
    public I2PSocketOptions buildOptions(Properties opts) {
        return I2pSocketOptionsAdapter.fromProperties(defaults, opts == null ? new Properties() : opts);
    }

    /** Connects with the default options; see {@link #connect(Destination, I2PSocketOptions)}. */
    @Override
    public I2PSocket connect(Destination peer) throws I2PException, ConnectException, NoRouteToHostException, InterruptedIOException {
        return connect(peer, defaults);
    }

    /**
     * Connects to {@code peer}, waiting up to the options' connect timeout.
     *
     * @throws ConnectException if the peer refused ({@link ConnectionRefusedException})
     * @throws java.net.SocketTimeoutException if it did not answer in time
     * @throws InterruptedIOException if interrupted (the flag stays set)
     * @throws NoRouteToHostException if the transport cannot reach the peer (such as a TCP
     *     connect refused by the peer's host: nothing runs there) or the manager is destroyed
     * @throws I2PException if {@code peer} is known by no ministreaming destination
     */
    @Override
    public I2PSocket connect(Destination peer, I2PSocketOptions options)
            throws I2PException, ConnectException, NoRouteToHostException, InterruptedIOException {
        org.ministreaming.transport.Destination to;
        try {
            to = addressing.fromI2p(peer);
        } catch (IllegalArgumentException e) {
            throw new I2PException(e.getMessage(), e);
        }
        I2PSocketOptions chosen = options == null ? defaults : options;
        long timeout = chosen.getConnectTimeout();
        StreamSocket socket;
        try {
            socket = timeout <= 0 ? manager.connect(to) : manager.connect(to, Duration.ofMillis(timeout));
        } catch (ConnectionRefusedException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            NoRouteToHostException unreachable = new NoRouteToHostException("cannot reach " + peer.toBase32() + ": " + e.getMessage());
            unreachable.initCause(e);
            throw unreachable;
        }
        return track(socket, chosen);
    }

    I2pSocketAdapter track(StreamSocket socket, I2PSocketOptions options) {
        I2pSocketAdapter adapted = new I2pSocketAdapter(socket, this, options);
        sockets.add(adapted);
        return adapted;
    }

    void forget(I2pSocketAdapter socket) {
        sockets.remove(socket);
    }

    /** Closes every connection and the transport, then tells the disconnect listeners. Idempotent. */
    @Override
    public void destroySocketManager() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        manager.close();
        sockets.clear();
        disconnectListeners.forEach(DisconnectListener::sessionDisconnected);
    }

    @Override
    public boolean isDestroyed() {
        return manager.isClosed();
    }

    /** The sockets made or accepted through this manager and still open. */
    @Override
    public Set<I2PSocket> listSockets() {
        sockets.removeIf(I2pSocketAdapter::isClosed);
        return Set.copyOf(sockets);
    }

    /**
     * Pings {@code peer}: true if it answered in time, or if it cannot answer (a peer without
     * flow control, such as the original implementation) and the ping was sent, as the
     * original's ping told.
     *
     * @throws IllegalArgumentException if {@code timeoutMs} is not positive, as I2P defines it
     */
    @Override
    public boolean ping(Destination peer, long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("ping timeout must be positive: " + timeoutMs + " ms");
        }
        org.ministreaming.transport.Destination to;
        try {
            to = addressing.fromI2p(peer);
        } catch (IllegalArgumentException unknown) {
            return false;
        }
        try {
            manager.ping(to, Duration.ofMillis(timeoutMs));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * As {@link #ping(Destination, long)}: the protocol has no ports.
     *
     * @throws IllegalArgumentException if a port is not in 0 to 65535 or {@code timeoutMs} is not positive
     */
    @Override
    public boolean ping(Destination peer, int localPort, int remotePort, long timeoutMs) {
        if (localPort < 0 || localPort > 65535 || remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("ports must be 0 to 65535: " + localPort + ", " + remotePort);
        }
        return ping(peer, timeoutMs);
    }

    /** Refused: a ping with a payload is a feature of I2P's streaming protocol. */
    @Override
    public byte[] ping(Destination peer, int localPort, int remotePort, long timeoutMs, byte[] payload) {
        throw new UnsupportedOperationException("ping with a payload: a feature of I2P's streaming protocol, not of ministreaming");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    /** Refused: managers are made by {@link MinistreamingSocketManagerFactory}. */
    @Override
    public void init(I2PAppContext context, I2PSession session, Properties opts, String name) {
        throw new UnsupportedOperationException("init: a ministreaming manager is made by MinistreamingSocketManagerFactory,"
                + " not from an I2PSession");
    }

    /** Told when {@link #destroySocketManager()} ends the manager. */
    @Override
    public void addDisconnectListener(DisconnectListener listener) {
        disconnectListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeDisconnectListener(DisconnectListener listener) {
        disconnectListeners.remove(listener);
    }

    /** A {@link java.net.ServerSocket} over the manager's connections ({@link ServerSocketAdapter}). */
    @Override
    public ServerSocket getStandardServerSocket() throws IOException {
        return new ServerSocketAdapter(manager);
    }

    /** A {@link java.net.Socket} connected to {@code peer} ({@link SocketAdapter}), with the default options' connect timeout. */
    @Override
    public Socket connectToSocket(Destination peer) throws IOException {
        return connectToSocket(peer, (int) Math.min(Integer.MAX_VALUE, Math.max(0, defaults.getConnectTimeout())));
    }

    /** A {@link java.net.Socket} connected to {@code peer}, waiting up to {@code timeout} ms (0: the manager's). */
    @Override
    public Socket connectToSocket(Destination peer, int timeout) throws IOException {
        SocketAdapter socket = new SocketAdapter(manager);
        try {
            socket.connect(new DestinationAddress(addressing.fromI2p(peer)), Math.max(0, timeout));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "I2pSocketManagerAdapter[" + name + " " + manager + "]";
    }
}
