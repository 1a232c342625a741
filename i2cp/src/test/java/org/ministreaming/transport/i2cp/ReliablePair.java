package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * A server and a client of this version in reliable mode over one router, each I2CP transport
 * and reliable layer at hand, so that a test can send forgeries from a third destination and read
 * every counter. The client's sends to the router are recorded. The layers belong to whoever
 * opens managers over them.
 */
final class ReliablePair {

    final I2pKeys serverKeys = I2pKeys.generate();
    final I2pKeys clientKeys = I2pKeys.generate();
    final Sent clientSent = new Sent();
    final I2cpTransport serverI2cp;
    final I2cpTransport clientI2cp;
    final ReliableTransport serverLayer;
    final ReliableTransport clientLayer;

    ReliablePair(I2pRouter router) throws IOException {
        serverI2cp = Endpoints.on(router).keys(serverKeys).buildPlain();
        clientI2cp = Endpoints.on(router).keys(clientKeys).tap(clientSent).buildPlain();
        serverLayer = (ReliableTransport) Endpoints.on(router).withReliableLayer(serverI2cp);
        clientLayer = (ReliableTransport) Endpoints.on(router).withReliableLayer(clientI2cp);
    }

    /** One byte from the client to the server and one back, each checked. */
    static void exchange(StreamSocket socket, StreamSocket served, int value) throws IOException {
        socket.getOutputStream().write(value);
        assertThat(served.getInputStream().read()).isEqualTo(value);
        served.getOutputStream().write(value + 100);
        assertThat(socket.getInputStream().read()).isEqualTo(value + 100);
    }
}
