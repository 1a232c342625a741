package org.ministreaming;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.ministreaming.engine.Acceptor;
import org.ministreaming.engine.ServerConnection;
import org.ministreaming.pipe.Deadline;

/**
 * Takes the connections peers open to a {@link StreamManager}.
 *
 * <p>Thread-safe: several threads may accept at once. A server that must not tie a thread to
 * {@code accept()} takes connections with {@link #acceptNow} when {@link #onAcceptable} says.
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

    /**
     * Takes the next incoming connection if one is waiting, acknowledges it and returns it,
     * without waiting for either: for a server that serves many connections from few threads,
     * with {@link #onAcceptable}. The acknowledgement goes out on the calling thread if the
     * transport can send it at once, or by the transport's path for control messages, which
     * never waits.
     *
     * @return the connection, or {@code null} if none is waiting
     * @throws java.net.SocketException if this server socket or its manager is closed (and no
     *     connection is waiting)
     * @throws IOException if the transport could take the acknowledgement neither way (its queue
     *     for that peer is over twice its bound); that connection is then failed, and the next
     *     call takes the next one
     */
    public StreamSocket acceptNow() throws IOException {
        ServerConnection accepted = acceptor.acceptNow();
        return accepted == null ? null : new StreamSocket(accepted, options);
    }

    /**
     * Runs {@code callback} once on {@code executor} when {@link #acceptNow} would not return
     * {@code null}: a connection is waiting, or this server socket or its manager was closed (the
     * call then throws); at once (on {@code executor}) if that is so already. One-shot: register
     * again to hear of the next. The callback may find nothing waiting (another thread took it
     * first, or its accept timeout refused it); it then registers again. No connection is missed
     * between an {@code acceptNow} that returned {@code null} and the registration that follows it.
     *
     * <p>Thread-safe. The callback runs with no lock of the library held, on {@code executor},
     * which the library calls from the thread that saw the change: the transport's receive thread
     * for a connection that came in, the closing thread for a close. An executor that runs it on
     * the calling thread ({@code Runnable::run}) saves a hand-off, as long as the callback is short
     * and never blocks: {@link #acceptNow}, and {@link StreamSocket#readNow}, {@link
     * StreamSocket#writeNow} and their callbacks on the sockets it returns, qualify. If the
     * executor rejects it, the callback is dropped; if it throws there, that is logged.
     *
     * @throws IllegalStateException if a callback registered before has not run yet
     */
    public void onAcceptable(Executor executor, Runnable callback) {
        acceptor.onAcceptable(executor, callback);
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
