package org.ministreaming.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import net.i2p.I2PException;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.client.streaming.IncomingConnectionFilter;
import net.i2p.client.streaming.impl.I2PSocketManagerFull;
import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.memory.PathCounts;

/**
 * I2P's own streaming library (2.7.0), with its defaults, over a simulated I2P path: two socket
 * managers, each on a {@link SimulatedI2pSession} of one {@link SimulatedI2p} network.
 */
final class SimulatedStreamingPath implements SimulatedStreamPath {

    private final SimulatedI2p network;
    private final SimulatedI2pSession serverSession;
    private final SimulatedI2pSession clientSession;
    private final I2PSocketManager server;
    private final I2PSocketManager client;
    private final I2PServerSocket serverSocket;
    private final long readTimeoutMillis;

    private SimulatedStreamingPath(SimulatedI2p network, SimulatedI2pSession serverSession, SimulatedI2pSession clientSession, Duration readTimeout) {
        this.network = network;
        this.serverSession = serverSession;
        this.clientSession = clientSession;
        this.server = manager(serverSession, "server");
        this.client = manager(clientSession, "client");
        this.serverSocket = server.getServerSocket();
        this.readTimeoutMillis = readTimeout.toMillis();
    }

    /**
     * Opens both managers on a new network whose path between them has {@code conditions}.
     *
     * @param random the source of the path's losses and jitter
     * @param readTimeout how long a read on either end waits
     */
    static SimulatedStreamingPath open(PathConditions conditions, Random random, Duration readTimeout) throws IOException {
        SimulatedI2p network = new SimulatedI2p(random);
        SimulatedI2pSession server = network.open("server");
        SimulatedI2pSession client = network.open("client");
        network.setPath(server, client, conditions);
        return new SimulatedStreamingPath(network, server, client, readTimeout);
    }

    private static I2PSocketManager manager(SimulatedI2pSession session, String name) {
        return new I2PSocketManagerFull(SimulatedI2p.context(), session.session(), new Properties(), name, IncomingConnectionFilter.ALLOW);
    }

    @Override
    public String name() {
        return "I2P streaming 2.7.0";
    }

    @Override
    public Link connect() throws IOException {
        try {
            return link(client.connect(serverSession.destination()));
        } catch (I2PException e) {
            throw new IOException("I2P streaming could not connect: " + e.getMessage(), e);
        }
    }

    @Override
    public Link accept() throws IOException {
        I2PSocket socket;
        try {
            socket = serverSocket.accept();
        } catch (I2PException e) {
            throw new IOException("I2P streaming's server socket failed: " + e.getMessage(), e);
        }
        if (socket == null) {
            throw new IOException("I2P streaming's server socket is closed");
        }
        return link(socket);
    }

    @Override
    public void setConditions(PathConditions conditions) {
        network.setPath(serverSession, clientSession, conditions);
    }

    @Override
    public PathCounts clientToServer() {
        return network.network().pathCounts(clientSession.endpoint().localDestination(), serverSession.endpoint().localDestination());
    }

    @Override
    public PathCounts serverToClient() {
        return network.network().pathCounts(serverSession.endpoint().localDestination(), clientSession.endpoint().localDestination());
    }

    @Override
    public void close() {
        client.destroySocketManager();
        server.destroySocketManager();
        network.close();
    }

    private Link link(I2PSocket socket) throws IOException {
        socket.setReadTimeout(readTimeoutMillis);
        return new Link(socket.getInputStream(), socket.getOutputStream(), socket);
    }
}
