package org.ministreaming.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One end of a connection, whichever library made it: its two streams and the socket that
 * closes it.
 *
 * @param in what the peer sent
 * @param out what goes to the peer
 * @param socket closes the connection
 */
record Link(InputStream in, OutputStream out, Closeable socket) implements Closeable {

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
