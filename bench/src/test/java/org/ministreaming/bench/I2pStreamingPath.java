package org.ministreaming.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import net.i2p.I2PException;
import net.i2p.client.I2PClientFactory;
import net.i2p.client.I2PSessionException;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.client.streaming.I2PSocketManagerFactory;
import net.i2p.crypto.SigType;
import net.i2p.data.Destination;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/**
 * I2P's own streaming library (2.7.0): two socket managers, each with an I2CP session of its own
 * (new Ed25519 keys) on the same router, with the router's zero-hop session options and the
 * library's defaults otherwise. The factory itself sets {@code i2cp.messageReliability=none}, as
 * the I2CP transport does.
 */
final class I2pStreamingPath implements StreamPath {

    private final I2PSocketManager server;
    private final I2PSocketManager client;
    private final I2PServerSocket serverSocket;
    private final Destination serverDestination;
    private final long readTimeoutMillis;

    private I2pStreamingPath(I2PSocketManager server, I2PSocketManager client, Duration readTimeout) {
        this.server = server;
        this.client = client;
        this.serverSocket = server.getServerSocket();
        this.serverDestination = server.getSession().getMyDestination();
        this.readTimeoutMillis = readTimeout.toMillis();
    }

    /**
     * Opens both managers and connects their sessions.
     *
     * @param router the router
     * @param readTimeout how long a read on either end waits
     */
    static I2pStreamingPath open(I2pRouter router, Duration readTimeout) throws IOException {
        I2PSocketManager server = manager(router);
        try {
            return new I2pStreamingPath(server, manager(router), readTimeout);
        } catch (IOException | RuntimeException e) {
            server.destroySocketManager();
            throw e;
        }
    }

    @Override
    public String name() {
        return "I2P streaming";
    }

    @Override
    public Link connect() throws IOException {
        try {
            return link(client.connect(serverDestination));
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
    public void close() {
        client.destroySocketManager();
        server.destroySocketManager();
    }

    private Link link(I2PSocket socket) throws IOException {
        socket.setReadTimeout(readTimeoutMillis);
        return new Link(socket.getInputStream(), socket.getOutputStream(), socket);
    }

    private static I2PSocketManager manager(I2pRouter router) throws IOException {
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        try {
            I2PClientFactory.createClient().createDestination(keys, SigType.EdDSA_SHA512_Ed25519);
        } catch (I2PException e) {
            throw new IOException("I2P's client library made no keys: " + e.getMessage(), e);
        }
        Properties options = router.sessionOptions();
        try {
            I2PSocketManager manager = I2PSocketManagerFactory.createDisconnectedManager(
                    new ByteArrayInputStream(keys.toByteArray()), router.host(), router.i2cpPort(), options);
            manager.getSession().connect();
            return manager;
        } catch (I2PSessionException e) {
            throw new IOException("I2P streaming could not open a session with the router: " + e.getMessage(), e);
        }
    }
}
