package org.ministreaming.bench;

import java.io.IOException;
import java.util.function.Function;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/**
 * ministreaming between two managers: over the I2CP transport, each with an I2CP session of its
 * own (new keys) on the same router, with the router's zero-hop session options; or over any two
 * transports ({@link SimulatedMinistreamingPath}).
 */
final class MinistreamingPath implements StreamPath {

    private final String name;
    private final StreamManager server;
    private final StreamManager client;
    private final StreamServerSocket serverSocket;

    private MinistreamingPath(String name, StreamManager server, StreamManager client) throws IOException {
        this.name = name;
        this.server = server;
        this.client = client;
        this.serverSocket = server.serverSocket();
    }

    /**
     * Opens both managers; each blocks until the router has built its session's tunnels.
     *
     * @param name the name in the results table
     * @param router the router
     * @param options the managers' options
     * @param build makes each manager's transport from a builder that has the router's address
     *     and session options, such as {@code I2cpTransportBuilder::build} for reliable mode with
     *     the defaults
     */
    static MinistreamingPath open(String name, I2pRouter router, StreamOptions options, Function<I2cpTransportBuilder, Transport> build)
            throws IOException {
        return open(name, options, () -> build.apply(transport(router)), () -> build.apply(transport(router)));
    }

    /** Makes one endpoint's transport. */
    interface TransportFactory {
        Transport make() throws IOException;
    }

    /**
     * Opens a server manager and a client manager, on the transports the factories make.
     *
     * @param name the name in the results
     * @param options the managers' options
     */
    static MinistreamingPath open(String name, StreamOptions options, TransportFactory server, TransportFactory client) throws IOException {
        StreamManager serverManager = StreamManager.open(server.make(), options);
        try {
            return new MinistreamingPath(name, serverManager, StreamManager.open(client.make(), options));
        } catch (IOException | RuntimeException e) {
            serverManager.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Link connect() throws IOException {
        return link(client.connect(server.localDestination()));
    }

    @Override
    public Link accept() throws IOException {
        return link(serverSocket.accept());
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }

    private static Link link(StreamSocket socket) {
        return new Link(socket.getInputStream(), socket.getOutputStream(), socket::close);
    }

    private static I2cpTransportBuilder transport(I2pRouter router) {
        I2cpTransportBuilder builder = I2cpTransport.builder().router(router.host(), router.i2cpPort());
        router.sessionOptions().forEach((key, value) -> builder.sessionOption((String) key, (String) value));
        return builder;
    }
}
