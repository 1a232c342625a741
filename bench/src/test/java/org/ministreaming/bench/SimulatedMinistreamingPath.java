package org.ministreaming.bench;

import java.io.IOException;
import java.util.Random;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.memory.PathCounts;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * ministreaming in reliable mode, with its defaults, over a simulated I2P path: two managers, each
 * on a {@link ReliableTransport} over an endpoint of one {@link MemoryNetwork}.
 */
final class SimulatedMinistreamingPath implements SimulatedStreamPath {

    private final String name;
    private final MemoryNetwork network;
    private final StreamManager server;
    private final StreamManager client;
    private final StreamServerSocket serverSocket;

    private SimulatedMinistreamingPath(String name, MemoryNetwork network, StreamManager server, StreamManager client) throws IOException {
        this.name = name;
        this.network = network;
        this.server = server;
        this.client = client;
        this.serverSocket = server.serverSocket();
    }

    /**
     * Opens both managers on a new network whose path between them has {@code conditions}.
     *
     * @param name the name in the results
     * @param random the source of the path's losses and jitter
     * @param options the managers' options
     */
    static SimulatedMinistreamingPath open(String name, PathConditions conditions, Random random, StreamOptions options) throws IOException {
        MemoryNetwork network = new MemoryNetwork(random);
        network.setPath(MemoryNetwork.destination("server"), MemoryNetwork.destination("client"), conditions);
        StreamManager server = StreamManager.open(ReliableTransport.builder(network.endpoint("server")).build(), options);
        try {
            StreamManager client = StreamManager.open(ReliableTransport.builder(network.endpoint("client")).build(), options);
            return new SimulatedMinistreamingPath(name, network, server, client);
        } catch (IOException | RuntimeException e) {
            server.close();
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
    public void setConditions(PathConditions conditions) {
        network.setPath(server.localDestination(), client.localDestination(), conditions);
    }

    @Override
    public PathCounts clientToServer() {
        return network.pathCounts(client.localDestination(), server.localDestination());
    }

    @Override
    public PathCounts serverToClient() {
        return network.pathCounts(server.localDestination(), client.localDestination());
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }

    private static Link link(StreamSocket socket) {
        return new Link(socket.getInputStream(), socket.getOutputStream(), socket::close);
    }
}
