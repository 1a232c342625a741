package org.ministreaming.transport.i2cp;

import java.io.IOException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/** Transports and managers on a test router. */
final class Endpoints {

    private Endpoints() {
    }

    /** A builder for a session on {@code router}, with its zero-hop options. */
    static I2cpTransportBuilder on(I2pRouter router) {
        I2cpTransportBuilder builder = I2cpTransport.builder().router(router.host(), router.i2cpPort());
        router.sessionOptions().forEach((name, value) -> builder.sessionOption((String) name, (String) value));
        return builder;
    }

    /** A manager in reliable mode on {@code router}, with new keys. */
    static StreamManager reliable(I2pRouter router, StreamOptions options) throws IOException {
        return StreamManager.open(on(router).build(), options);
    }
}
