package org.ministreaming.i2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import net.i2p.I2PException;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.client.streaming.I2PSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.ReadmeSnippets;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.memory.MemoryNetwork;

/** The README's examples of I2P's socket interfaces, compiled and run here. */
@ExtendWith(SharedRouter.class)
class ReadmeI2pExampleTest {

    @Test
    void theI2cpExampleWorks(I2pRouter router) throws Exception {
        String i2cpHost = router.host();
        int i2cpPort = router.i2cpPort();
        Properties options = router.sessionOptions();
        // README i2p begin
        options.setProperty(I2PSocketOptions.PROP_CONNECT_TIMEOUT, "60000");   // i2p.streaming.*: socket options; the rest go to the router
        // Was: I2PSocketManager server = I2PSocketManagerFactory.createManager(i2cpHost, i2cpPort, options);
        I2PSocketManager server = MinistreamingSocketManagerFactory.createManager(i2cpHost, i2cpPort, options);
        I2PSocketManager client = MinistreamingSocketManagerFactory.createManager(i2cpHost, i2cpPort, options);

        I2PServerSocket serverSocket = server.getServerSocket();
        Thread acceptor = new Thread(() -> {
            try (I2PSocket incoming = serverSocket.accept()) {
                incoming.getOutputStream().write(incoming.getInputStream().read() + 1);
            } catch (I2PException | IOException e) {
                System.err.println("accept ended: " + e.getMessage());
            }
        });
        acceptor.start();

        I2PSocket socket = client.connect(server.getSession().getMyDestination());
        socket.getOutputStream().write(41);
        int answer = socket.getInputStream().read();                            // 42
        socket.close();
        client.destroySocketManager();
        server.destroySocketManager();
        // README i2p end
        acceptor.join(30_000);
        assertThat(answer).isEqualTo(42);
        assertThat(acceptor.isAlive()).isFalse();
        ReadmeSnippets.assertInReadme(getClass(), "i2p");
    }

    @Test
    void theAnyTransportExampleWorks() throws Exception {
        // README i2p-any begin
        MemoryNetwork network = new MemoryNetwork();
        StreamManager alice = StreamManager.open(network.endpoint("alice"));
        StreamManager bob = StreamManager.open(network.endpoint("bob"));
        I2pAddressing names = I2pAddressing.table(Map.of(                    // each endpoint known by an I2P destination
                alice.localDestination(), I2pDestinations.fromUri(I2pKeys.generate().destination()),
                bob.localDestination(), I2pDestinations.fromUri(I2pKeys.generate().destination())));
        I2PSocketManager aliceManager = MinistreamingSocketManagerFactory.createManager(alice, names);
        I2PSocketManager bobManager = MinistreamingSocketManagerFactory.createManager(bob, names);
        // README i2p-any end
        try {
            I2PServerSocket serverSocket = bobManager.getServerSocket();
            var accepted = org.ministreaming.Async.run(serverSocket::accept);
            I2PSocket socket = aliceManager.connect(bobManager.getSession().getMyDestination());
            socket.getOutputStream().write(7);
            assertThat(accepted.get(30, java.util.concurrent.TimeUnit.SECONDS).getInputStream().read()).isEqualTo(7);
        } finally {
            aliceManager.destroySocketManager();
            bobManager.destroySocketManager();
        }
        ReadmeSnippets.assertInReadme(getClass(), "i2p-any");
    }
}
