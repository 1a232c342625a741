package org.ministreaming.bench;

import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.memory.PathCounts;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;
import org.ministreaming.transport.reliable.ReliableTransportBuilder;

/**
 * ministreaming in reliable mode over a simulated I2P path: a
 * {@link MinistreamingPath} whose two managers are each on a {@link ReliableTransport} over an
 * endpoint of one {@link MemoryNetwork}.
 */
final class SimulatedMinistreamingPath implements SimulatedStreamPath {

    private static final Destination SERVER = MemoryNetwork.destination("server");
    private static final Destination CLIENT = MemoryNetwork.destination("client");

    private final MemoryNetwork network;
    private final MinistreamingPath managers;
    private final ReliableTransport clientTransport;

    private SimulatedMinistreamingPath(MemoryNetwork network, MinistreamingPath managers, ReliableTransport clientTransport) {
        this.network = network;
        this.managers = managers;
        this.clientTransport = clientTransport;
    }

    /**
     * Opens both managers on a new network whose path between them has {@code conditions}.
     *
     * @param name the name in the results
     * @param random the source of the path's losses and jitter
     * @param options the managers' options
     * @param reliable the reliable layer's options on both sides, for example its frame size
     */
    static SimulatedMinistreamingPath open(String name, PathConditions conditions, Random random, StreamOptions options,
            UnaryOperator<ReliableTransportBuilder> reliable) throws IOException {
        MemoryNetwork network = new MemoryNetwork(random);
        network.setPath(SERVER, CLIENT, conditions);
        ReliableTransport[] client = new ReliableTransport[1];
        MinistreamingPath managers = MinistreamingPath.open(name, options,
                () -> reliable.apply(ReliableTransport.builder(network.endpoint("server"))).build(),
                () -> client[0] = reliable.apply(ReliableTransport.builder(network.endpoint("client"))).build());
        return new SimulatedMinistreamingPath(network, managers, client[0]);
    }

    /** The client's reliable layer's counters, a snapshot. */
    Map<ReliableCounter, Long> clientStatistics() {
        return clientTransport.statistics();
    }

    @Override
    public String name() {
        return managers.name();
    }

    @Override
    public Link connect() throws IOException {
        return managers.connect();
    }

    @Override
    public Link accept() throws IOException {
        return managers.accept();
    }

    @Override
    public void setConditions(PathConditions conditions) {
        network.setPath(SERVER, CLIENT, conditions);
    }

    @Override
    public PathCounts clientToServer() {
        return network.pathCounts(CLIENT, SERVER);
    }

    @Override
    public PathCounts serverToClient() {
        return network.pathCounts(SERVER, CLIENT);
    }

    @Override
    public void close() {
        managers.close();
    }
}
