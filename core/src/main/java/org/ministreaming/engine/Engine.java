package org.ministreaming.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.ministreaming.Counter;
import org.ministreaming.MessageListener;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ministreaming.PeerLostException;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.attribution.SenderAttribution;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.Packet;

/**
 * The connection engine over one transport endpoint: a {@link PeerSession} per peer (its
 * connections, SYN index, SYN bucket, pings), the accept backlog, the timer, and the
 * {@link Dispatcher} that routes each inbound message to its session and connection.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li><b>Receive path.</b> The transport's thread calls {@link #onMessage} and
 *       {@link #onPeerLost}: {@code Transport -> Engine.onMessage -> Dispatcher -> Codec.decode ->
 *       PeerSession -> Connection.onData -> ReceiveBuffer}. It never blocks: it takes only short
 *       locks (a session's monitor, a connection's {@code lock}, a buffer's lock, the backlog's
 *       lock), never a {@code sendLock} or the engine's monitor. A full receive buffer fails that
 *       one connection instead of waiting; an exhausted receive budget fails the connection
 *       holding the most ({@link BufferLimits}). The readers a run of messages feeds (such as
 *       the frames of one read) are woken once, at its end ({@link #onLentMessage(Destination,
 *       ByteBuffer, Runnable, boolean)}).</li>
 *   <li><b>Replies.</b> Every control message the engine produces while handling a message or
 *       on its timer (a repeated ACK, a refusal, the close answering a late or second ACK, a
 *       pong, the close after an overrun, a broken rule or a timeout) goes out through one
 *       operation, {@link #reply}, which is {@link Transport#reply}: on every thread it never
 *       blocks and never throws (a reply the transport did not take is counted as
 *       {@link Counter#SEND_FAILED}), and it may overtake data queued for the peer. Application threads that may wait send the control
 *       messages they produce (credit grants from {@code read}) by {@link #replyOrWait}: the reply
 *       path first, a send that waits for backpressure only if the transport cannot take the reply
 *       now; {@code readNow}'s grants are offered behind the data instead ({@link SendPath#sendGrant}). The one control message that must follow the data is the close of a
 *       connection ended on purpose ({@code StreamSocket.close()}, the manager's close): it goes
 *       by {@link #sendClose}, behind every message written before it, offered without waiting
 *       and offered again once the transport has room ({@link Transport#whenRoom}).</li>
 *   <li><b>Application threads</b> connect, accept, read, write and close. A writer holds its
 *       connection's {@code sendLock} while it hands messages to the transport, which may block
 *       it for backpressure; {@code close()} takes the same lock, so a close leaves after every
 *       byte written before it.</li>
 *   <li><b>The timer thread</b> (one per engine, started on first use) refuses incoming
 *       connections nobody accepted in time, runs the idle checks, and forgets sessions left
 *       without connections for the grace period, telling the transport
 *       ({@link Transport#forget}), and ends a {@link #connectAsync} left unanswered. Its sends
 *       may wait on transport backpressure. {@link Connector}'s threads send the SYNs of
 *       {@code connectAsync} that the transport cannot take at once: they may dial and wait.</li>
 *   <li><b>Locks.</b> Decide under a lock, do I/O outside it: nothing sends while holding a
 *       session's monitor, a connection's {@code lock} or the backlog's lock. Lock order, where
 *       two are held: {@code sendLock} before {@code lock}; the backlog's lock before a
 *       connection's {@code lock}; a connection's {@code lock} before its session's monitor (a
 *       connection may leave its session while deciding under its lock). The map of sessions
 *       and each session's maps are concurrent; a session's monitor guards only adding,
 *       removing and retiring, and the round-trip estimate, and is the last lock taken. A
 *       read's credit grant may send a ping to measure that round trip ({@link ReceiveWindows}),
 *       by {@link #reply} like the grant.</li>
 *   <li><b>Close.</b> {@link #close} refuses the backlog, sends a close for every open
 *       connection, fails every waiting call, and stops the timer and the transport, whose
 *       threads have ended when it returns.</li>
 * </ul>
 * Everything here is thread-safe.
 */
public final class Engine implements Transport.Receiver, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Transport transport;
    private final EngineSettings settings;
    private final MessageListener listener;
    private final Counters counters = new Counters();
    private final PeerSessions sessions;
    private final Admission admission;
    private final BufferLimits bufferLimits;
    private final ReceiveWindows windows;
    private final Liveness liveness;
    private final Dispatcher dispatcher;
    final SendPath sendPath;
    private final Connector connector;
    private final ScheduledThreadPoolExecutor timer;
    /** The timer's threads, joined on close: the pool reports termination just before they end. */
    private final List<Thread> timerThreads = new CopyOnWriteArrayList<>();
    private volatile Acceptor acceptor;
    private volatile boolean closed;

    private Engine(Transport transport, EngineSettings settings, MessageListener listener) {
        this.transport = transport;
        this.settings = settings;
        this.listener = listener;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "ministreaming-timer-" + transport.localDestination());
            thread.setDaemon(true);
            timerThreads.add(thread);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
        this.admission = new Admission(settings.limits(), counters);
        this.bufferLimits = new BufferLimits(settings, counters);
        this.windows = new ReceiveWindows(settings.receiveBufferSize(), settings.maxReceiveWindow(), settings.receiveBudget());
        this.liveness = new Liveness(this, settings.random(), settings.idleTimeout());
        boolean listening = listener != MessageListener.NONE;
        this.dispatcher = new Dispatcher(this, settings, counters, admission, listening);
        this.sessions = new PeerSessions(transport, settings, timer);
        this.sendPath = new SendPath(transport, counters, this::notify, listening, timer);
        this.connector = new Connector(this, transport, settings, admission, sessions, sendPath, timer);
    }

    /**
     * Starts an engine on {@code transport}, which it owns from now on; over a transport that
     * cannot name every sender, it attributes plain messages itself ({@link SenderAttribution}).
     *
     * @param transport a transport not yet started
     * @param settings the engine's settings
     * @param listener sees every message; {@link MessageListener#NONE} for none
     * @return the running engine
     * @throws IOException if the transport cannot start (it is closed again)
     */
    public static Engine start(Transport transport, EngineSettings settings, MessageListener listener) throws IOException {
        Engine engine = new Engine(SenderAttribution.over(transport), settings, listener);
        try {
            engine.transport.start(engine);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        engine.liveness.start(engine.timer);
        return engine;
    }

    /** This endpoint's destination. */
    public Destination localDestination() {
        return transport.localDestination();
    }

    /**
     * Opens a connection: sends the SYN and waits for the ACK.
     *
     * @param peer where to connect
     * @param timeout how long to wait for the answer
     * @return the established connection
     * @throws org.ministreaming.ConnectionRefusedException if the peer refused
     * @throws java.net.SocketTimeoutException if the peer did not answer in time
     * @throws IOException as {@link Failures#synNotSent} says, if the SYN could not go; else a
     *     {@link PeerLostException} if the transport lost the peer meanwhile
     */
    public ClientConnection connect(Destination peer, Duration timeout) throws IOException {
        return connector.connect(peer, timeout);
    }

    /**
     * Opens a connection without waiting: sends the SYN at once if the transport can, else on a
     * thread of the engine's. {@code answer} is called once, with the established connection or
     * why there is none ({@link #connect}'s exceptions), on the thread that learns it: the
     * transport's receiving thread, the timer's (no answer in {@code timeout}), the one closing
     * the engine, or the caller's (the engine closed, or the answer came as the SYN went out).
     *
     * @throws java.net.SocketException if the engine is closed or a limit on connections is reached
     */
    public ClientConnection connectAsync(Destination peer, Duration timeout, BiConsumer<ClientConnection, IOException> answer)
            throws IOException {
        return connector.connectAsync(peer, timeout, answer);
    }

    /**
     * The accept backlog, opened on first use. Until it exists every SYN is refused, as the
     * original refused when no server socket had been made. After it was closed, a new one is
     * opened.
     *
     * @throws SocketException if the engine is closed
     */
    public synchronized Acceptor acceptor() throws SocketException {
        checkOpen();
        if (acceptor == null || acceptor.isClosed()) {
            acceptor = new Acceptor(this, settings.acceptBacklog(), settings.acceptTimeoutNanos());
        }
        return acceptor;
    }

    /** How often each event happened so far. */
    public Map<Counter, Long> counters() {
        return counters.snapshot();
    }

    /** How often one event happened so far. */
    public long count(Counter counter) {
        return counters.get(counter);
    }

    /** Bytes received and not yet read, over all connections. */
    public long bufferedBytes() {
        return sessions.connections().stream().mapToLong(Connection::available).sum();
    }

    /** Bytes charged to the receive budget now: unread payload and per-message overhead, ended connections' undrained ones too. */
    public long receiveBudgetUsed() {
        return bufferLimits.used();
    }

    /** The most bytes charged to the receive budget at once so far. */
    public long receiveBudgetHighWater() {
        return bufferLimits.highWater();
    }

    /** Number of connections (open, opening or waiting for accept), over all sessions. */
    public int connectionCount() {
        return sessions.connectionCount();
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Pings {@code peer}: measures the round trip if it speaks the credit extension, else sends
     * the original's unanswered 1-byte {@code FF}.
     *
     * @return the round trip, or empty when it cannot be measured
     * @throws java.net.SocketTimeoutException if a peer that speaks the extension did not answer
     * @throws IOException if the ping could not be sent
     */
    public Optional<Duration> ping(Destination peer, Duration timeout) throws IOException {
        checkOpen();
        return liveness.ping(peer, timeout);
    }

    // ---------------------------------------------------------------- receive path

    @Override
    public void onMessage(Destination from, ByteBuffer bytes) {
        dispatcher.onMessage(from, bytes, null, false);
    }

    @Override
    public void onLentMessage(Destination from, ByteBuffer bytes, Runnable giveBack) {
        onLentMessage(from, bytes, giveBack, false);
    }

    /** A data message stays lent while its receive buffer holds it; anything else is copied by the SPI's default. */
    @Override
    public void onLentMessage(Destination from, ByteBuffer bytes, Runnable giveBack, boolean more) {
        if (dispatcher.keepsLent(bytes)) {
            dispatcher.onMessage(from, bytes, giveBack, more);
        } else {
            Transport.Receiver.super.onLentMessage(from, bytes, giveBack); // on to onMessage, which ends the run
        }
    }

    @Override
    public void onPeerLost(Destination peer, IOException cause) {
        dispatcher.onPeerLost(peer, cause);
    }

    /** The backlog if a server socket is open and the engine is not closed, else {@code null}. */
    Acceptor openAcceptor() {
        Acceptor current = acceptor;
        return closed || current == null || current.isClosed() ? null : current;
    }

    /** A connection entered {@code backlog}: starts the timer that refuses those nobody accepts in time, unless it runs. */
    void startAcceptTimer(Acceptor backlog) {
        if (backlog.armTimer()) {
            scheduleAcceptCheck(backlog, settings.acceptTimeoutNanos());
        }
    }

    private void scheduleAcceptCheck(Acceptor backlog, long delayNanos) {
        try {
            timer.schedule(() -> acceptTimedOut(backlog), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // close() ran since the SYN was checked: it refuses the backlog, no accept timeout is needed.
            LOG.log(Level.DEBUG, () -> "a connection arrived while the manager closed");
        }
    }

    void refusedOnClose(ServerConnection connection) {
        counters.increment(Counter.SYN_REFUSED);
        connection.fail(new IOException("refused: the server socket was closed"), true);
    }

    private void acceptTimedOut(Acceptor backlog) {
        List<ServerConnection> expired = new ArrayList<>();
        long next = backlog.expire(System.nanoTime(), expired);
        for (ServerConnection connection : expired) {
            counters.increment(Counter.ACCEPT_TIMEOUT);
            LOG.log(Level.INFO, "refused " + connection + ": not accepted within " + Deadline.millis(settings.acceptTimeout()) + " ms");
            connection.fail(new IOException("refused: not accepted in time"), true);
        }
        if (next >= 0) {
            scheduleAcceptCheck(backlog, next);
        }
    }

    // ---------------------------------------------------------------- sessions

    /** The session with {@code peer}, or {@code null} when there is none (nothing is made). */
    PeerSession session(Destination peer) {
        return sessions.get(peer);
    }

    /** The sessions, one per peer. */
    PeerSessions sessions() {
        return sessions;
    }

    /** A connection ended: it leaves its session and backlog, gives back its window's growth, answers a connectAsync (never under its lock). */
    void forget(Connection connection) {
        sessions.remove(connection);
        windows.ended(connection);
        Acceptor current = acceptor;
        if (current != null && connection instanceof ServerConnection server) {
            current.remove(server);
        } else if (connection instanceof ClientConnection client) {
            client.ended();
        }
    }

    // ---------------------------------------------------------------- for connections

    /** A message its connection's state does not take; for a connection that has {@code ended} (about to leave its session), as for none. */
    void unexpected(Destination from, Message message, String why, boolean ended) {
        counters.increment(ended ? Counter.UNKNOWN_CONNECTION : Counter.UNEXPECTED);
        LOG.log(Level.DEBUG, () -> "ignored from " + from + ", " + (ended ? "its connection has just ended" : why) + ": " + message);
    }

    void extensionOnPlain(Destination from, Message message) {
        counters.increment(Counter.EXTENSION_ON_PLAIN);
        LOG.log(Level.DEBUG, () -> "ignored from " + from + ", an extension message on a plain connection: " + message);
    }

    void violation(Connection connection, Counter counter, String what) {
        counters.increment(counter);
        LOG.log(Level.WARNING, connection + ": closing, the peer broke the credit rules: " + what);
    }

    void idle(Connection connection, Duration silent) {
        counters.increment(Counter.IDLE_CLOSED);
        LOG.log(Level.INFO, connection + ": closing, nothing heard from the peer for " + Deadline.millis(silent) + " ms");
        connection.fail(new PeerLostException("nothing heard from " + connection.peer() + " for " + Deadline.millis(silent)
                + " ms, more than the idle timeout; the connection was closed", null), true);
    }

    /** The limits on buffered bytes, for the connections' receive paths. */
    BufferLimits bufferLimits() {
        return bufferLimits;
    }

    /** The connections' self-tuning receive windows. */
    ReceiveWindows windows() {
        return windows;
    }

    Liveness liveness() {
        return liveness;
    }

    /** Sends a message that may block for backpressure, and may fail ({@link SendPath#send}). */
    void send(Destination to, Packet packet) throws IOException {
        sendPath.send(to, packet, false);
    }

    /** The reply path, which never blocks and never throws: {@link SendPath#reply}. */
    void reply(Destination to, Message message) {
        sendPath.reply(to, message);
    }

    /** A control message from an application thread: {@link SendPath#replyOrWait}. */
    void replyOrWait(Destination to, Message message) {
        sendPath.replyOrWait(to, message);
    }

    /** The close of a connection ended on purpose: {@link SendPath#sendClose}. */
    void sendClose(Destination to, Message close, boolean inOrder) {
        sendPath.sendClose(to, close, inOrder);
    }

    void notify(Consumer<MessageListener> call) {
        if (listener == MessageListener.NONE) {
            return;
        }
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "message listener failed", e);
        }
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("the manager is closed");
        }
    }

    /**
     * Closes every connection (sending each peer a close), refuses the backlog, fails every
     * waiting call, and stops the timer and the transport. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Acceptor current = acceptor;
        if (current != null) {
            current.close();
        }
        SocketException closing = new SocketException("the manager was closed");
        // Each close follows the data written before it, as a socket's close does.
        for (Connection connection : sessions.connections()) {
            if (connection.fail(closing, false)) {
                sendClose(connection.peer(), connection.closeMessage(), true);
            }
        }
        timer.shutdownNow();
        connector.close();
        transport.close();
        connector.join();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            for (Thread thread : timerThreads) {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
