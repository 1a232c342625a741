package org.ministreaming.i2p;

import java.util.Properties;
import net.i2p.client.streaming.I2PSocketOptions;
import org.ministreaming.StreamOptions;

/**
 * I2P's {@link I2PSocketOptions} for ministreaming sockets. The timeouts apply as I2P defines
 * them: the connect timeout to {@code connect}, the read and write timeouts to each socket's
 * reads and writes (a read timeout of 0 does not block and a negative one waits forever; a write
 * timeout of 0 or less waits forever). The buffer size and the ports are kept and
 * reported back but change nothing: ministreaming's buffers are the manager's
 * ({@link StreamOptions#receiveBufferSize()}), and the protocol has no ports, so a connect
 * reaches the destination whatever port is set.
 *
 * <p>Read from properties by {@link #fromProperties}: {@value #PROP_CONNECT_TIMEOUT},
 * {@value #PROP_READ_TIMEOUT}, {@value #PROP_WRITE_TIMEOUT} and {@value #PROP_BUFFER_SIZE}, in
 * milliseconds and bytes; other properties are not socket options and are ignored.
 *
 * <p>Thread-safe: every value is volatile.
 */
public final class I2pSocketOptionsAdapter implements I2PSocketOptions {

    private volatile long connectTimeout;
    private volatile long readTimeout;
    private volatile long writeTimeout;
    private volatile int maxBufferSize;
    private volatile int port;
    private volatile int localPort;

    /** Options with the timeouts and buffer size of {@code options}. */
    public I2pSocketOptionsAdapter(StreamOptions options) {
        this.connectTimeout = options.connectTimeout().toMillis();
        this.readTimeout = options.readTimeout().isZero() ? -1 : options.readTimeout().toMillis();
        this.writeTimeout = options.writeTimeout().isZero() ? -1 : options.writeTimeout().toMillis();
        this.maxBufferSize = options.receiveBufferSize();
    }

    /** A copy of {@code other}. */
    public I2pSocketOptionsAdapter(I2PSocketOptions other) {
        this.connectTimeout = other.getConnectTimeout();
        this.readTimeout = other.getReadTimeout();
        this.writeTimeout = other.getWriteTimeout();
        this.maxBufferSize = other.getMaxBufferSize();
        this.port = other.getPort();
        this.localPort = other.getLocalPort();
    }

    /**
     * A copy of {@code defaults} with the socket options found in {@code properties}.
     *
     * @throws IllegalArgumentException if one is not a number
     */
    public static I2pSocketOptionsAdapter fromProperties(I2PSocketOptions defaults, Properties properties) {
        I2pSocketOptionsAdapter options = new I2pSocketOptionsAdapter(defaults);
        options.connectTimeout = number(properties, PROP_CONNECT_TIMEOUT, options.connectTimeout);
        options.readTimeout = number(properties, PROP_READ_TIMEOUT, options.readTimeout);
        options.writeTimeout = number(properties, PROP_WRITE_TIMEOUT, options.writeTimeout);
        options.maxBufferSize = (int) number(properties, PROP_BUFFER_SIZE, options.maxBufferSize);
        return options;
    }

    private static long number(Properties properties, String name, long otherwise) {
        String value = properties.getProperty(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: '" + value + "'", e);
        }
    }

    /** Milliseconds a connect waits for the peer; 0 or less: the manager's connect timeout. */
    @Override
    public long getConnectTimeout() {
        return connectTimeout;
    }

    @Override
    public void setConnectTimeout(long ms) {
        this.connectTimeout = ms;
    }

    /** Milliseconds a read waits for data; 0: it does not block; negative: forever. */
    @Override
    public long getReadTimeout() {
        return readTimeout;
    }

    @Override
    public void setReadTimeout(long ms) {
        this.readTimeout = ms;
    }

    /** Kept, no effect: buffers are the manager's. */
    @Override
    public int getMaxBufferSize() {
        return maxBufferSize;
    }

    @Override
    public void setMaxBufferSize(int numBytes) {
        this.maxBufferSize = numBytes;
    }

    /** Milliseconds a write waits for a slow reader (with flow control); 0 or less: forever. */
    @Override
    public long getWriteTimeout() {
        return writeTimeout;
    }

    @Override
    public void setWriteTimeout(long ms) {
        this.writeTimeout = ms;
    }

    /** Kept, no effect: the protocol has no ports. */
    @Override
    public int getPort() {
        return port;
    }

    @Override
    public void setPort(int port) {
        this.port = port;
    }

    /** Kept, no effect: the protocol has no ports. */
    @Override
    public int getLocalPort() {
        return localPort;
    }

    @Override
    public void setLocalPort(int port) {
        this.localPort = port;
    }

    @Override
    public String toString() {
        return "I2pSocketOptionsAdapter[connect " + connectTimeout + " ms, read " + readTimeout + " ms, write "
                + writeTimeout + " ms]";
    }
}
