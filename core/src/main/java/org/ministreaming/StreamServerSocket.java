package org.ministreaming;

import java.io.IOException;
import java.time.Duration;
import org.ministreaming.engine.Acceptor;
import org.ministreaming.pipe.Deadline;

/**
 * Takes the connections peers open to a {@link StreamManager}.
 *
 * <p>Thread-safe: several threads may accept at once.
 */
public final class StreamServerSocket implements AutoCloseable {

    private final Acceptor acceptor;
    private final StreamOptions options;

    StreamServerSocket(Acceptor acceptor, StreamOptions options) {
        this.acceptor = acceptor;
        this.options = options;
    }

    /**
     * Waits for the next incoming connection, acknowledges it and returns it.
     *
     * @throws java.net.SocketException if this server socket or its manager is closed
     * @throws java.io.InterruptedIOException if interrupted (the flag stays set)
     * @throws IOException if the acknowledgement could not be sent
     */
    public StreamSocket accept() throws IOException {
        return new StreamSocket(acceptor.accept(0), options);
    }

    /**
     * Like {@link #accept()}, waiting at most {@code timeout}.
     *
     * @throws java.net.SocketTimeoutException if no connection came in time
     * @throws IOException as {@link #accept()}
     */
    public StreamSocket accept(Duration timeout) throws IOException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new StreamSocket(acceptor.accept(Math.max(1, Deadline.millis(timeout))), options);
    }

    /** Whether this server socket was closed. */
    public boolean isClosed() {
        return acceptor.isClosed();
    }

    /**
     * Stops accepting: blocked {@code accept()} calls fail, connections waiting for accept are
     * refused, and so are new ones. Open sockets stay open. Idempotent.
     */
    @Override
    public void close() {
        acceptor.close();
    }
}
