package org.ministreaming.bench;

import java.io.IOException;

/**
 * A way of carrying byte streams between two endpoints that are both set up: a client that
 * connects and a server that accepts. Implementations: ministreaming over I2CP, I2P's streaming
 * library, and raw TCP on loopback.
 */
interface StreamPath extends AutoCloseable {

    /** The name in the results table. */
    String name();

    /** Opens a connection from the client to the server; returns the client's end. */
    Link connect() throws IOException;

    /** Waits for the next connection at the server; returns the server's end. */
    Link accept() throws IOException;

    /** Closes both endpoints; a thread waiting in {@link #accept} fails. */
    @Override
    void close() throws IOException;
}
