package org.ministreaming.i2p;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Objects;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketOptions;
import net.i2p.data.Destination;
import org.ministreaming.StreamSocket;

/**
 * I2P's {@link I2PSocket} over a ministreaming {@link StreamSocket}: its streams, read timeout and
 * close are the socket's.
 *
 * <ul>
 *   <li>{@link #reset()} closes: the protocol has no reset, and a close still sends the bytes
 *       written before it.</li>
 *   <li>{@link #getPort()} and {@link #getLocalPort()} are 0 (unspecified): the protocol has no
 *       ports.</li>
 *   <li>The socket error listener is kept and never called: errors show as {@code IOException}s
 *       on reads and writes.</li>
 *   <li>A read timeout of 0 does not block, as I2P defines it: with nothing to read,
 *       {@code read(byte[], int, int)} returns 0 and {@code read()} -1 (I2P's own quirk); -1
 *       (any negative) waits forever.</li>
 *   <li>{@link #getChannel()} throws {@link UnsupportedOperationException}: there is no
 *       selectable channel.</li>
 * </ul>
 *
 * <p>Thread-safe: one thread may read while another writes; any thread may close.
 */
public final class I2pSocketAdapter implements I2PSocket {

    private final StreamSocket socket;
    private final I2pSocketManagerAdapter manager;
    private volatile I2PSocketOptions options;
    private volatile SocketErrorListener errorListener;
    private volatile boolean closed;
    /** The read timeout in I2P's terms: 0 does not block, negative waits forever. */
    private volatile long readTimeout;
    private final InputStream input;

    I2pSocketAdapter(StreamSocket socket, I2pSocketManagerAdapter manager, I2PSocketOptions options) {
        this.socket = socket;
        this.manager = manager;
        this.input = new Input(socket.getInputStream());
        setOptions(options);
    }

    /** The ministreaming socket underneath. */
    public StreamSocket streamSocket() {
        return socket;
    }

    /** The manager's I2P destination. */
    @Override
    public Destination getThisDestination() {
        return manager.addressing().toI2p(manager.streamManager().localDestination());
    }

    /** The peer's I2P destination. */
    @Override
    public Destination getPeerDestination() {
        return manager.addressing().toI2p(socket.peer());
    }

    /**
     * The bytes from the peer; see {@link StreamSocket#getInputStream()}.
     *
     * @throws SocketException if this socket was closed (or reset), or its manager destroyed, as
     *     I2P's sockets throw since 0.9.9
     */
    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        return input;
    }

    /**
     * The bytes to the peer; see {@link StreamSocket#getOutputStream()}.
     *
     * @throws SocketException if this socket was closed (or reset), or its manager destroyed
     */
    @Override
    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        return socket.getOutputStream();
    }

    private void checkOpen() throws SocketException {
        if (closed || manager.isDestroyed()) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * Refused: ministreaming sockets have no selectable channel.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    @Deprecated
    public SelectableChannel getChannel() {
        throw new UnsupportedOperationException("getChannel: ministreaming sockets have no selectable channel; use the streams");
    }

    /** The options this socket took its timeouts from. */
    @Override
    public I2PSocketOptions getOptions() {
        return options;
    }

    /** Takes the read and write timeouts of {@code options}. */
    @Override
    public void setOptions(I2PSocketOptions options) {
        this.options = new I2pSocketOptionsAdapter(Objects.requireNonNull(options, "options"));
        takeReadTimeout(options.getReadTimeout());
        socket.setWriteTimeout(waitFor(options.getWriteTimeout()));
    }

    /** Milliseconds a read waits: as set, 0 if reads do not block, -1 if they wait forever. */
    @Override
    public long getReadTimeout() {
        long ms = readTimeout;
        return ms < 0 ? -1 : ms;
    }

    /** Sets how long reads wait, in milliseconds; 0: they do not block; -1 (any negative): forever. */
    @Override
    public void setReadTimeout(long ms) {
        options.setReadTimeout(ms);
        takeReadTimeout(ms);
    }

    private void takeReadTimeout(long ms) {
        long capped = Math.min(ms, Integer.MAX_VALUE);
        readTimeout = capped;
        // Not blocking is waiting the shortest time ministreaming has, then answering "nothing yet".
        socket.setReadTimeout(capped < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(1, capped)));
    }

    /** Whether the connection is over, closed by either side or failed. */
    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Kept and never called: errors show as {@code IOException}s on reads and writes. */
    @Override
    public void setSocketErrorListener(SocketErrorListener listener) {
        this.errorListener = listener;
    }

    /** Always 0 (unspecified): the protocol has no ports. */
    @Override
    public int getPort() {
        return 0;
    }

    /** Always 0 (unspecified): the protocol has no ports. */
    @Override
    public int getLocalPort() {
        return 0;
    }

    /** Closes, as {@link #close()}: the protocol has no reset. */
    @Override
    public void reset() {
        close();
    }

    /** Closes the connection both ways, after the bytes written before. Idempotent. */
    @Override
    public void close() {
        closed = true;
        socket.close();
        manager.forget(this);
    }

    @Override
    public String toString() {
        return "I2pSocketAdapter[" + socket + (errorListener == null ? "" : ", with an error listener") + "]";
    }

    /** An I2P write timeout in milliseconds as a ministreaming one: 0 or less waits forever. */
    static Duration waitFor(long ms) {
        return ms <= 0 ? Duration.ZERO : Duration.ofMillis(ms);
    }

    /** The socket's input, which answers "nothing yet" instead of timing out when reads do not block. */
    private final class Input extends FilterInputStream {
        Input(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (SocketTimeoutException e) {
                if (readTimeout == 0) {
                    return -1;
                }
                throw e;
            }
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            try {
                return in.read(target, offset, length);
            } catch (SocketTimeoutException e) {
                if (readTimeout == 0) {
                    return 0;
                }
                throw e;
            }
        }
    }
}
