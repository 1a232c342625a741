package org.ministreaming;


import org.junit.jupiter.api.Test;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Many connections at once between two managers on the in-memory network, random amounts both
 * ways, every byte checked by SHA-256 on both ends. Flow control keeps every receive buffer at
 * its default 256 KiB.
 */
class ConcurrentTransfersTest {

    private static final int CONNECTIONS = 200;
    private static final int MAX_BYTES = 2 << 20;

    @Test
    void twoHundredConnectionsMoveRandomDataBothWaysIntact() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        StreamOptions options = RandomTransfers.options(CONNECTIONS);
        try (StreamManager server = StreamManager.open(network.endpoint("server"), options);
             StreamManager client = StreamManager.open(network.endpoint("client"), options)) {
            RandomTransfers.run(server, client, CONNECTIONS, MAX_BYTES);
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }
}
