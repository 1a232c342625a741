package org.ministreaming.net;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.util.Objects;
import java.util.Set;

/**
 * The part of {@link SocketAdapter} that TCP's options need: they are kept and reported back,
 * and change nothing, since ministreaming sends every write at once and its buffers are the
 * manager's.
 *
 * <p>Thread-safe: the options are volatile.
 */
abstract class KeptOptionsSocket extends Socket {

    /** What the buffer sizes report until set: 64 KiB. */
    static final int BUFFER_SIZE = 64 * 1024;

    private volatile boolean tcpNoDelay;
    private volatile boolean keepAlive;
    private volatile int linger = -1;
    private volatile boolean oobInline;
    private volatile int sendBufferSize = BUFFER_SIZE;
    private volatile int receiveBufferSize = BUFFER_SIZE;
    private volatile int trafficClass;
    private volatile boolean reuseAddress;

    /** @throws SocketException never in practice: {@link Socket} declares it for the security manager's check */
    KeptOptionsSocket() throws SocketException {
        super(noImpl());
    }

    /** No {@link SocketImpl}: every method that would use one is overridden. */
    private static SocketImpl noImpl() {
        return null;
    }

    /** Throws if the socket is closed. */
    abstract void checkOpen() throws SocketException;

    /**
     * Refused: the protocol has no urgent data.
     *
     * @throws SocketException always
     */
    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("sendUrgentData is not supported: the ministreaming protocol has no urgent data");
    }

    /** Kept, no effect: writes are never held back. */
    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        checkOpen();
        tcpNoDelay = on;
    }

    /** What was set, {@code false} by default; see {@link #setTcpNoDelay}. */
    @Override
    public boolean getTcpNoDelay() throws SocketException {
        checkOpen();
        return tcpNoDelay;
    }

    /** Kept, no effect: see {@link org.ministreaming.StreamOptions#idleTimeout()} for keep-alive. */
    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        checkOpen();
        keepAlive = on;
    }

    /** What was set, {@code false} by default. */
    @Override
    public boolean getKeepAlive() throws SocketException {
        checkOpen();
        return keepAlive;
    }

    /** Kept, no effect: a close always sends the bytes written before it. */
    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        checkOpen();
        if (on && linger < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER: " + linger);
        }
        this.linger = on ? Math.min(linger, 65535) : -1;
    }

    /** What was set, -1 (off) by default. */
    @Override
    public int getSoLinger() throws SocketException {
        checkOpen();
        return linger;
    }

    /** Kept, no effect. */
    @Override
    public void setOOBInline(boolean on) throws SocketException {
        checkOpen();
        oobInline = on;
    }

    /** What was set, {@code false} by default. */
    @Override
    public boolean getOOBInline() throws SocketException {
        checkOpen();
        return oobInline;
    }

    /** Kept, no effect: writes are sent at once. */
    @Override
    public void setSendBufferSize(int size) throws SocketException {
        sendBufferSize = positive(size);
        checkOpen();
    }

    /** What was set, {@link #BUFFER_SIZE} by default. */
    @Override
    public int getSendBufferSize() throws SocketException {
        checkOpen();
        return sendBufferSize;
    }

    /** Kept, no effect: the receive buffer is the manager's. */
    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        receiveBufferSize = positive(size);
        checkOpen();
    }

    /** What was set, {@link #BUFFER_SIZE} by default. */
    @Override
    public int getReceiveBufferSize() throws SocketException {
        checkOpen();
        return receiveBufferSize;
    }

    /**
     * Kept, no effect.
     *
     * @throws IllegalArgumentException if {@code tc} is not in 0 to 255, as with TCP
     */
    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255: " + tc);
        }
        checkOpen();
        trafficClass = tc;
    }

    /** What was set, 0 by default. */
    @Override
    public int getTrafficClass() throws SocketException {
        checkOpen();
        return trafficClass;
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

    /** No effect. */
    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    }

    /** @throws UnsupportedOperationException always: no socket option applies to ministreaming */
    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        return unsupported(name);
    }

    /** @throws UnsupportedOperationException always: no socket option applies to ministreaming */
    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return unsupported(name);
    }

    /** None. */
    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    static int positive(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size must be positive: " + size);
        }
        return size;
    }

    private <T> T unsupported(SocketOption<?> name) throws IOException {
        Objects.requireNonNull(name, "name");
        checkOpen();
        throw new UnsupportedOperationException("'" + name.name() + "' not supported: no socket option applies to a ministreaming socket");
    }
}
