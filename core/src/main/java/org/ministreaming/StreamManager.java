package org.ministreaming;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.ministreaming.engine.ClientConnection;
import org.ministreaming.engine.Engine;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * Ministreaming over one transport endpoint: connects to peers and accepts their connections.
 * The counterpart of the original's socket manager.
 *
 * <pre>{@code
 * MemoryNetwork network = new MemoryNetwork();
 * try (StreamManager bob = StreamManager.open(network.endpoint("bob"));
 *      StreamManager alice = StreamManager.open(network.endpoint("alice"))) {
 *     StreamServerSocket server = bob.serverSocket();
 *     StreamSocket socket = alice.connect(bob.localDestination());
 *     ...
 * }
 * }</pre>
 *
 * <p>Errors are typed: a refusal is a {@link ConnectionRefusedException}, a close by the peer a
 * {@link ConnectionResetException}, a lost peer a {@link PeerLostException} (keeping the
 * transport's exception as its cause), a broken receive limit a {@link ReceiveLimitException},
 * and a timeout a {@link java.net.SocketTimeoutException}; see {@link StreamSocket}.
 *
 * <p>Thread-safe: any thread may connect, accept and close.
 */
public final class StreamManager implements AutoCloseable {

    private final Engine engine;
    private final StreamOptions options;

    private StreamManager(Engine engine, StreamOptions options) {
        this.engine = engine;
        this.options = options;
    }

    /**
     * Starts a manager with default options on {@code transport}, which it owns from now on.
     *
     * @throws IOException if the transport cannot start
     */
    public static StreamManager open(Transport transport) throws IOException {
        return open(transport, StreamOptions.defaults());
    }

    /**
     * Starts a manager on {@code transport}, which it owns from now on.
     *
     * @throws IOException if the transport cannot start
     * @throws IllegalStateException if the transport was started (by another manager) or closed
     *     before
     */
    public static StreamManager open(Transport transport, StreamOptions options) throws IOException {
        return new StreamManager(Engine.start(transport, options.engineSettings(), options.messageListener()), options);
    }

    /** This manager's own destination, for peers to connect to. */
    public Destination localDestination() {
        return engine.localDestination();
    }

    /** The options this manager was opened with. */
    public StreamOptions options() {
        return options;
    }

    /**
     * Opens a connection to {@code peer}, waiting up to the connect timeout for its answer.
     *
     * @return the connected socket
     * @throws ConnectionRefusedException (a {@link java.net.ConnectException}) if the peer
     *     refused (no server socket, backlog full, not accepted in time, or one of its
     *     {@link Limits} reached, such as SYNs a second from one peer: the refusal does not say
     *     which)
     * @throws java.net.SocketTimeoutException if the peer did not answer in time
     * @throws java.io.InterruptedIOException if interrupted (the flag stays set)
     * @throws java.net.ConnectException if the transport cannot reach the peer (the transport's
     *     own exception, such as a TCP dial that nothing answered)
     * @throws PeerLostException if the way to the peer failed before it answered: the transport
     *     lost it while waiting, or failed as the SYN went out (its exception is the cause)
     * @throws java.net.SocketException if this manager is closed, or one of its {@link Limits}
     *     on connections is reached
     */
    public StreamSocket connect(Destination peer) throws IOException {
        return connect(peer, options.connectTimeout());
    }

    /**
     * Like {@link #connect(Destination)}, waiting up to {@code timeout} instead of the connect
     * timeout of the options (for callers that have a timeout of their own, such as
     * {@link java.net.Socket#connect(java.net.SocketAddress, int)}).
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IOException as {@link #connect(Destination)}
     */
    public StreamSocket connect(Destination peer, Duration timeout) throws IOException {
        Objects.requireNonNull(peer, "peer");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
        }
        return new StreamSocket(engine.connect(peer, timeout), options);
    }

    /**
     * Opens a connection to {@code peer} without waiting for its answer, for callers that must
     * not block, such as a readiness callback ({@link StreamSocket#onReadable}) that opens the
     * next connection. The SYN goes at once on the calling thread when the transport can take it
     * without waiting (a TCP link to the peer is up, or an in-memory peer); otherwise one of the
     * manager's own threads sends it, dialling if need be. The future completes with the
     * connected socket or with the exception {@link #connect(Destination)} would throw (a
     * {@link java.net.SocketTimeoutException} after the connect timeout), never both and never
     * twice.
     *
     * <p>The future is completed on the thread that learns the answer, which runs the
     * non-{@code Async} dependent actions there and then: usually the transport's receiving
     * thread, and then they must be short and must not block (as readiness callbacks run in
     * place); otherwise the manager's timer thread, the thread that closes the manager, or the
     * calling thread itself (the answer came while the SYN went out, or this manager is closed).
     * Use the {@code ...Async} dependents with an executor for work that may block.
     *
     * <p>Cancelling the future gives up the connect if no answer came yet (a later ACK is
     * answered with a close); a socket that was connected as it was cancelled is closed.
     *
     * @return the future connected socket; failed at once with a
     *     {@link java.net.SocketException} if this manager is closed or one of its {@link Limits}
     *     on connections is reached
     */
    public CompletableFuture<StreamSocket> connectAsync(Destination peer) {
        return connectAsync(peer, options.connectTimeout());
    }

    /**
     * Like {@link #connectAsync(Destination)}, giving up after {@code timeout} instead of the
     * connect timeout of the options.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public CompletableFuture<StreamSocket> connectAsync(Destination peer, Duration timeout) {
        Objects.requireNonNull(peer, "peer");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
        }
        CompletableFuture<StreamSocket> socket = new CompletableFuture<>();
        ClientConnection connection;
        try {
            connection = engine.connectAsync(peer, timeout, (established, failure) -> {
                if (failure != null) {
                    socket.completeExceptionally(failure);
                } else if (!socket.complete(new StreamSocket(established, options))) {
                    established.close(); // cancelled as it connected
                }
            });
        } catch (IOException e) {
            socket.completeExceptionally(e);
            return socket;
        }
        socket.whenComplete((connected, failure) -> {
            if (failure instanceof CancellationException) {
                connection.giveUp(new SocketException("connect to " + peer + " cancelled"));
            }
        });
        return socket;
    }

    /**
     * Opens a connection to the destination written as a URI, such as {@code mem:bob}.
     *
     * @throws IllegalArgumentException if {@code uri} is not a destination URI
     * @throws IOException as {@link #connect(Destination)}
     */
    public StreamSocket connect(String uri) throws IOException {
        return connect(Destination.of(Objects.requireNonNull(uri, "uri")));
    }

    /**
     * Like {@link #connect(String)}, waiting up to {@code timeout}, as
     * {@link #connect(Destination, Duration)} does.
     *
     * @throws IllegalArgumentException if {@code uri} is not a destination URI or {@code timeout}
     *     is not positive
     * @throws IOException as {@link #connect(Destination)}
     */
    public StreamSocket connect(String uri, Duration timeout) throws IOException {
        return connect(Destination.of(Objects.requireNonNull(uri, "uri")), timeout);
    }

    /**
     * The server socket that takes incoming connections. Until it is first asked for, every
     * incoming connection is refused; once asked for, connections queue for
     * {@link StreamServerSocket#accept()}. Asking again gives a handle on the same backlog while
     * it is open; after it was closed, a new one.
     *
     * @throws java.net.SocketException if this manager is closed
     */
    public StreamServerSocket serverSocket() throws IOException {
        return new StreamServerSocket(engine.acceptor(), options);
    }

    /**
     * Pings {@code peer}. A peer with flow control answers, and the round trip is measured. Any
     * other peer gets the original's 1-byte ping, which nobody answers: then only the send is
     * known to have worked, as the original's {@code ping()} told.
     *
     * @param timeout positive
     * @return the round trip, or empty when the peer cannot measure it
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws java.net.SocketTimeoutException if a peer with flow control did not answer in time
     * @throws IOException if the ping could not be sent or this manager is closed
     */
    public Optional<Duration> ping(Destination peer, Duration timeout) throws IOException {
        Objects.requireNonNull(peer, "peer");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ping timeout must be positive: " + timeout);
        }
        return engine.ping(peer, timeout);
    }

    /** How often each event happened: messages, drops, refusals, overruns. */
    public Map<Counter, Long> statistics() {
        return engine.counters();
    }

    /**
     * Data bytes received and not yet read by the application, over all open connections.
     * Bounded by the receive budget ({@link #receiveBudgetUsed()} counts them with their overhead).
     */
    public long bufferedBytes() {
        return engine.bufferedBytes();
    }

    /**
     * Bytes charged to the receive budget now: unread payload plus
     * {@link StreamOptions#BUFFERED_MESSAGE_OVERHEAD} per buffered
     * message, over all connections, including ended ones whose reader has not read or closed
     * them yet. Never more than {@link StreamOptions#receiveBudget()}.
     */
    public long receiveBudgetUsed() {
        return engine.receiveBudgetUsed();
    }

    /**
     * The most bytes charged to the receive budget at once since the manager opened, as
     * {@link #receiveBudgetUsed()} counts them: the proof that the budget held. Never more than
     * {@link StreamOptions#receiveBudget()}.
     */
    public long receiveBudgetHighWater() {
        return engine.receiveBudgetHighWater();
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return engine.isClosed();
    }

    /**
     * Sends a close for every open connection, refuses connections waiting for accept, fails
     * every blocked call, and stops the transport. No thread of the manager remains when this
     * returns. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "StreamManager[" + localDestination() + "]";
    }
}
