package org.ministreaming.i2p;

import java.io.IOException;
import java.util.Objects;
import java.util.Properties;
import net.i2p.client.streaming.I2PSocketManager;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.I2pKeys;

/**
 * Makes {@link I2PSocketManager}s that run on ministreaming: the counterpart of I2P's
 * {@code I2PSocketManagerFactory}. Code written for I2P's socket manager changes only the line
 * that makes the manager:
 *
 * <pre>{@code
 * I2PSocketManager manager = MinistreamingSocketManagerFactory.createManager("127.0.0.1", 7654, properties);
 * }</pre>
 *
 * <p>Over I2CP, the properties whose names start with {@value #SOCKET_OPTION_PREFIX} are socket
 * options ({@link I2pSocketOptionsAdapter}: connect, read and write timeouts), the default options
 * of the manager's sockets; all others go to the router as I2CP session options, as with I2P's
 * factory (for example {@code inbound.length}). Unlike I2P's factory, failures throw instead of
 * returning {@code null}. Over any other transport, {@link #createManager(StreamManager,
 * I2pAddressing)} wraps a manager of your own.
 *
 * <p>Thread-safe: it has no state.
 */
public final class MinistreamingSocketManagerFactory {

    /** The prefix of the properties that are socket options rather than I2CP session options. */
    public static final String SOCKET_OPTION_PREFIX = "i2p.streaming.";

    private MinistreamingSocketManagerFactory() {
    }

    /**
     * A manager with new keys on the router at {@code 127.0.0.1:7654}.
     *
     * @throws IOException if the router cannot be reached or will not open the session
     */
    public static I2pSocketManagerAdapter createManager() throws IOException {
        return createManager(I2cpTransportBuilder.DEFAULT_HOST, I2cpTransportBuilder.DEFAULT_PORT, new Properties());
    }

    /**
     * A manager with new keys on the router whose I2CP port is {@code i2cpHost:i2cpPort}.
     *
     * @throws IOException if the router cannot be reached or will not open the session
     */
    public static I2pSocketManagerAdapter createManager(String i2cpHost, int i2cpPort, Properties opts) throws IOException {
        return createManager(I2pKeys.generate(), i2cpHost, i2cpPort, opts, StreamOptions.defaults());
    }

    /**
     * A manager with the destination of {@code keys} on the router at {@code i2cpHost:i2cpPort},
     * with the default {@link StreamOptions}.
     *
     * @throws IOException if the router cannot be reached or will not open the session
     */
    public static I2pSocketManagerAdapter createManager(I2pKeys keys, String i2cpHost, int i2cpPort, Properties opts)
            throws IOException {
        return createManager(keys, i2cpHost, i2cpPort, opts, StreamOptions.defaults());
    }

    /**
     * A manager with the destination of {@code keys} on the router at {@code i2cpHost:i2cpPort},
     * with {@code options} for the ministreaming manager underneath (accept timeout and backlog,
     * buffers, limits). Blocks until the router has built the tunnels.
     *
     * @throws IOException if the router cannot be reached or will not open the session
     * @throws IllegalArgumentException if a socket option is not a number
     */
    public static I2pSocketManagerAdapter createManager(I2pKeys keys, String i2cpHost, int i2cpPort, Properties opts,
            StreamOptions options) throws IOException {
        Properties properties = opts == null ? new Properties() : opts;
        I2cpTransportBuilder builder = I2cpTransport.builder().router(i2cpHost, i2cpPort).keys(keys);
        for (String name : properties.stringPropertyNames()) {
            if (!name.startsWith(SOCKET_OPTION_PREFIX)) {
                builder.sessionOption(name, properties.getProperty(name));
            }
        }
        I2pSocketOptionsAdapter defaults = I2pSocketOptionsAdapter.fromProperties(new I2pSocketOptionsAdapter(options), properties);
        StreamManager manager = StreamManager.open(builder.build(), options);
        return new I2pSocketManagerAdapter(manager, I2pAddressing.i2cp(), defaults, keys.base32());
    }

    /**
     * A manager over {@code manager}, on any transport, which it owns from now on
     * ({@link I2PSocketManager#destroySocketManager()} closes it). {@code addressing} names its
     * peers and itself by I2P destinations: {@link I2pAddressing#i2cp()} over I2CP, a
     * {@link I2pAddressing#table} elsewhere.
     */
    public static I2pSocketManagerAdapter createManager(StreamManager manager, I2pAddressing addressing) {
        Objects.requireNonNull(manager, "manager");
        return new I2pSocketManagerAdapter(manager, addressing, new I2pSocketOptionsAdapter(manager.options()),
                manager.localDestination().toString());
    }
}
