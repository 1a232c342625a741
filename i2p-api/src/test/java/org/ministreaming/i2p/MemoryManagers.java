package org.ministreaming.i2p;

import java.io.IOException;
import java.util.Map;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Two I2P socket managers on the in-memory transport, each known by an I2P destination of new
 * keys; the server's can be named in an EepGet URL.
 */
final class MemoryManagers implements AutoCloseable {

    final I2pSocketManagerAdapter server;
    final I2pSocketManagerAdapter client;

    MemoryManagers(StreamOptions options) throws IOException {
        MemoryNetwork network = new MemoryNetwork();
        StreamManager serverManager = StreamManager.open(network.endpoint("server"), options);
        StreamManager clientManager = StreamManager.open(network.endpoint("client"), options);
        I2pAddressing addressing = I2pAddressing.table(Map.of(
                serverManager.localDestination(), I2pDestinations.fromUri(I2PSocketEepGetTest.keysEepGetCanName().destination()),
                clientManager.localDestination(), I2pDestinations.fromUri(I2pKeys.generate().destination())));
        this.server = MinistreamingSocketManagerFactory.createManager(serverManager, addressing);
        this.client = MinistreamingSocketManagerFactory.createManager(clientManager, addressing);
    }

    /** The server's I2P destination. */
    net.i2p.data.Destination serverDestination() {
        return server.addressing().toI2p(server.streamManager().localDestination());
    }

    @Override
    public void close() {
        client.destroySocketManager();
        server.destroySocketManager();
    }
}
