package org.ministreaming.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import javax.net.SocketFactory;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.Destination;

/**
 * A {@link SocketFactory} whose sockets are ministreaming connections through one
 * {@link StreamManager}, for libraries that take a factory (HTTP clients, database drivers): it
 * dials one fixed destination whatever host and port the library asks for ({@link #fixed}), or
 * the destination it maps the host and port to ({@link #mapped}, {@link #mapping}). Host names
 * are taken as the library gives them, without DNS; a resolved {@link InetAddress} is looked up
 * by its host name if it has one, else by its literal address.
 *
 * <p>{@link #createSocket()} gives an unconnected {@link SocketAdapter}, which also connects to
 * a {@link DestinationAddress}. Asking to bind a local address or port other than none fails,
 * since the local address is the manager's destination. The factory does not own the manager.
 *
 * <p>Thread-safe if the mapping is.
 */
public final class DestinationSocketFactory extends SocketFactory {

    /** Turns the host and port a library asks for into the destination to dial. */
    @FunctionalInterface
    public interface Mapping {
        /**
         * The destination for {@code host} (a name or an address literal) and {@code port}.
         *
         * @throws UnknownHostException if there is none
         */
        Destination destination(String host, int port) throws UnknownHostException;
    }

    private final StreamManager manager;
    private final Mapping mapping;

    private DestinationSocketFactory(StreamManager manager, Mapping mapping) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    /** Sockets that dial {@code peer}, whatever host and port they are asked for. */
    public static DestinationSocketFactory fixed(StreamManager manager, Destination peer) {
        Objects.requireNonNull(peer, "peer");
        return new DestinationSocketFactory(manager, (host, port) -> peer);
    }

    /**
     * Sockets that dial the destination {@code hosts} gives for {@code "HOST:PORT"}, or else for
     * {@code "HOST"} (any port); other hosts are unknown ({@link UnknownHostException}). The map
     * is copied.
     */
    public static DestinationSocketFactory mapped(StreamManager manager, Map<String, Destination> hosts) {
        Map<String, Destination> copy = Map.copyOf(hosts);
        return new DestinationSocketFactory(manager, (host, port) -> {
            Destination peer = copy.getOrDefault(host + ":" + port, copy.get(host));
            if (peer == null) {
                throw new UnknownHostException(host + ":" + port + " is mapped to no ministreaming destination");
            }
            return peer;
        });
    }

    /** Sockets that dial the destination {@code mapping} gives. */
    public static DestinationSocketFactory mapping(StreamManager manager, Mapping mapping) {
        return new DestinationSocketFactory(manager, mapping);
    }

    /** An unconnected socket, to connect to a mapped host and port or a {@link DestinationAddress}. */
    @Override
    public SocketAdapter createSocket() throws SocketException {
        return new SocketAdapter(manager, mapping);
    }

    /**
     * A socket connected to the destination of {@code host} and {@code port}.
     *
     * @throws UnknownHostException if the host is mapped to no destination
     * @throws IOException if the connect failed, as {@link SocketAdapter#connect}
     */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(InetSocketAddress.createUnresolved(host, port));
    }

    /**
     * As {@link #createSocket(String, int)}; the local address must be {@code null} and the port 0.
     *
     * @throws SocketException if a local address or port is asked for
     */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        checkNoLocalBinding(localHost, localPort);
        return createSocket(host, port);
    }

    /**
     * A socket connected to the destination of {@code host} and {@code port}.
     *
     * @throws UnknownHostException if the address is mapped to no destination
     * @throws IOException if the connect failed
     */
    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    /**
     * As {@link #createSocket(InetAddress, int)}; the local address must be {@code null} and the
     * port 0.
     *
     * @throws SocketException if a local address or port is asked for
     */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        checkNoLocalBinding(localAddress, localPort);
        return createSocket(address, port);
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        SocketAdapter socket = createSocket();
        try {
            socket.connect(address);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void checkNoLocalBinding(InetAddress localAddress, int localPort) throws SocketException {
        if (localAddress != null || localPort != 0) {
            throw new SocketException("Cannot bind to " + localAddress + ":" + localPort
                    + ": a ministreaming socket's local address is its manager's destination");
        }
    }
}
