package org.ministreaming.i2p;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import net.i2p.I2PException;
import net.i2p.client.streaming.AcceptingChannel;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;

/**
 * I2P's {@link I2PServerSocket} over a ministreaming {@link StreamServerSocket}. As I2P defines
 * it, {@link #accept()} throws {@link ConnectException} once closed or when interrupted, and
 * {@link SocketTimeoutException} when the {@code SO_TIMEOUT} passes (0 or less: wait forever).
 * {@link #getChannel()} throws {@link UnsupportedOperationException}.
 *
 * <p>Thread-safe: several threads may accept at once; any thread may close.
 */
public final class I2pServerSocketAdapter implements I2PServerSocket {

    private final StreamServerSocket server;
    private final I2pSocketManagerAdapter manager;
    private volatile long soTimeout;

    /** {@code server} is {@code null} if the manager was destroyed before one was asked for. */
    I2pServerSocketAdapter(StreamServerSocket server, I2pSocketManagerAdapter manager) {
        this.server = server;
        this.manager = manager;
    }

    /** The ministreaming server socket underneath, or {@code null} if the manager was destroyed before. */
    public StreamServerSocket streamServerSocket() {
        return server;
    }

    /** Stops accepting; sockets already accepted stay open. Idempotent. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Waits for the next connection, never returning {@code null}; its options are the
     * manager's defaults.
     *
     * @throws ConnectException if this server socket or its manager is closed, or if interrupted
     *     (the interrupt flag stays set)
     * @throws SocketTimeoutException if {@code SO_TIMEOUT} passed
     * @throws I2PException if the acknowledgement could not be sent
     */
    @Override
    public I2PSocket accept() throws I2PException, ConnectException, SocketTimeoutException {
        if (server == null) {
            throw new ConnectException("accept ended: the manager was destroyed");
        }
        long timeout = soTimeout;
        StreamSocket socket;
        try {
            socket = timeout <= 0 ? server.accept() : server.accept(Duration.ofMillis(timeout));
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (InterruptedIOException | SocketException e) {
            ConnectException closed = new ConnectException("accept ended: " + e.getMessage());
            closed.initCause(e);
            throw closed;
        } catch (IOException e) {
            throw new I2PException("accept failed: " + e.getMessage(), e);
        }
        return manager.track(socket, manager.getDefaultOptions());
    }

    /**
     * Refused: there is no accepting channel.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    @Deprecated
    public AcceptingChannel getChannel() {
        throw new UnsupportedOperationException("getChannel: ministreaming has no accepting channel; use accept()");
    }

    /** Sets how long {@link #accept()} waits, in milliseconds; 0 or less: forever. */
    @Override
    public void setSoTimeout(long x) {
        this.soTimeout = x;
    }

    /** How long {@link #accept()} waits, in milliseconds; 0 or less: forever. */
    @Override
    public long getSoTimeout() {
        return soTimeout;
    }

    /** The manager whose connections this server socket takes. */
    @Override
    public I2PSocketManager getManager() {
        return manager;
    }

    /** Whether this server socket (or its manager) was closed. */
    public boolean isClosed() {
        return server == null || server.isClosed();
    }
}
