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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.wire.Chaff;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.CreditExtension;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;

/**
 * The connection engine over one transport endpoint: the connection table, the dispatcher that
 * routes each inbound message to its connection, and the accept backlog.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li><b>Receive path.</b> The transport's thread calls {@link #onMessage}:
 *       {@code Transport -> Engine.onMessage -> Codec.decode -> table lookup by (peer, role, id)
 *       -> Connection.onData -> ReceiveBuffer}. It never blocks: it takes only short locks
 *       (a connection's {@code lock}, a buffer's lock, the backlog's lock), never a
 *       {@code sendLock}, and its own sends (ACKs, closes) are ones the transport promises not to
 *       block. A full receive buffer fails that one connection instead of waiting; an exhausted
 *       receive budget fails the connection holding the most ({@link BufferLimits}).</li>
 *   <li><b>Application threads</b> connect, accept, read, write and close. A writer holds its
 *       connection's {@code sendLock} while it hands messages to the transport, which may block
 *       it for backpressure; {@code close()} takes the same lock, so a close leaves after every
 *       byte written before it.</li>
 *   <li><b>The timer thread</b> (one per engine) refuses incoming connections nobody accepted
 *       in time. Its 4-byte refusals may wait on transport backpressure like any other send.</li>
 *   <li><b>Locks.</b> Decide under a lock, do I/O outside it: nothing sends while holding a
 *       connection's {@code lock} or the backlog's lock. Lock order, where two are held:
 *       {@code sendLock} before {@code lock}; the backlog's lock before a connection's
 *       {@code lock}. The table is a concurrent map and needs no lock.</li>
 *   <li><b>Close.</b> {@link #close} refuses the backlog, sends a close for every open
 *       connection, fails every waiting call, and stops the timer and the transport, whose
 *       threads have ended when it returns.</li>
 * </ul>
 * Everything here is thread-safe.
 */
public final class Engine implements Transport.Receiver, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int ID_ATTEMPTS = 64;

    /** Table key: a message from one peer can never reach another peer's connection. */
    private record Key(Destination peer, Role role, ConnectionId localId) {
    }

    /** Finds the server-side connection a repeated SYN belongs to. */
    private record SynKey(Destination peer, ConnectionId clientId) {
    }

    private final Transport transport;
    private final EngineSettings settings;
    private final MessageListener listener;
    private final Counters counters = new Counters();
    private final Map<Key, Connection> connections = new ConcurrentHashMap<>();
    private final Map<SynKey, ServerConnection> bySyn = new ConcurrentHashMap<>();
    private final Admission admission;
    private final BufferLimits bufferLimits;
    private final Liveness liveness;
    private final ScheduledThreadPoolExecutor timer;
    /** The timer's threads, joined on close: the pool reports termination just before they end. */
    private final List<Thread> timerThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
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
        this.liveness = new Liveness(this, settings.random(), settings.idleTimeout());
    }

    /**
     * Starts an engine on {@code transport}, which it owns from now on.
     *
     * @param transport a transport not yet started
     * @param settings the engine's settings
     * @param listener sees every message; {@link MessageListener#NONE} for none
     * @return the running engine
     * @throws IOException if the transport cannot start (it is closed again)
     */
    public static Engine start(Transport transport, EngineSettings settings, MessageListener listener) throws IOException {
        Engine engine = new Engine(transport, settings, listener);
        try {
            transport.start(engine);
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
     * @throws java.net.ConnectException if the peer refused
     * @throws java.net.SocketTimeoutException if the peer did not answer in time
     * @throws IOException if the engine is closed or the transport failed
     */
    public ClientConnection connect(Destination peer, Duration timeout) throws IOException {
        checkOpen();
        if (admission.admitConnection(peer, connections.size()) != null) {
            throw new SocketException("connection limit reached: the manager may hold " + settings.limits().maxConnections()
                    + " connections, " + settings.limits().maxConnectionsPerPeer() + " with one peer");
        }
        int offeredWindow = settings.creditExtension() ? settings.receiveBufferSize() : 0;
        ClientConnection connection = register(peer, Role.CLIENT,
                id -> new ClientConnection(this, peer, id, offeredWindow));
        if (closed) {
            connection.fail("the manager was closed", false);
        } else {
            byte[] destination = transport.synPayload();
            byte[] payload = offeredWindow > 0 ? CreditExtension.withTrailer(destination, offeredWindow) : destination;
            try {
                transmit(peer, Message.syn(connection.localId(), payload), true);
            } catch (IOException e) {
                connection.fail("sending the SYN to " + peer + " failed: " + e.getMessage(), false);
                throw e;
            }
        }
        connection.awaitEstablished(Math.max(1, timeout.toMillis()));
        return connection;
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
            acceptor = new Acceptor(this, settings.acceptBacklog());
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

    /** Bytes received and not yet read, over all connections in the table. */
    public long bufferedBytes() {
        long total = 0;
        for (Connection connection : connections.values()) {
            total += connection.available();
        }
        return total;
    }

    /**
     * Bytes charged to the receive budget now: unread payload plus the per-message overhead, over
     * all connections, including ended ones whose reader has not drained them.
     */
    public long receiveBudgetUsed() {
        return bufferLimits.used();
    }

    /** The most bytes charged to the receive budget at once so far. */
    public long receiveBudgetHighWater() {
        return bufferLimits.highWater();
    }

    /** Number of connections in the table (open, opening or waiting for accept). */
    public int connectionCount() {
        return connections.size();
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
        counters.increment(Counter.MESSAGES_RECEIVED);
        try {
            Packet packet;
            try {
                packet = Codec.decode(bytes);
            } catch (MalformedMessageException e) {
                malformed(from, bytes, e);
                return;
            }
            notify(() -> listener.received(from, packet));
            if (bytes.remaining() > settings.limits().maxMessageSize()) {
                oversize(from, packet);
                return;
            }
            if (packet instanceof Chaff) {
                counters.increment(Counter.CHAFF);
                return;
            }
            dispatch(from, (Message) packet);
        } catch (RuntimeException e) {
            counters.increment(Counter.INTERNAL_ERROR);
            LOG.log(Level.WARNING, "engine defect while handling a message from " + from, e);
        }
    }

    private void dispatch(Destination from, Message message) {
        switch (message.type()) {
            case SYN -> onSyn(from, message);
            case ACK -> onAck(from, message);
            case CLIENT_DATA, SERVER_DATA -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    connection.onData(message);
                }
            }
            case CLIENT_CREDIT, SERVER_CREDIT -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    connection.onCredit(message);
                }
            }
            case PING -> {
                counters.increment(Counter.PINGS_ANSWERED);
                sendQuietly(from, Message.pong(message));
            }
            case PONG -> liveness.onPong(from, message);
            case CLIENT_CLOSE -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    connection.onRemoteClose(message);
                }
            }
            case SERVER_CLOSE -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    ((ClientConnection) connection).onServerClose(message);
                }
            }
            default -> throw new IllegalStateException("no handler for " + message.type());
        }
    }

    /** The connection a {@code 5x} (client role) or {@code Ax} (server role) message is for. */
    private Connection find(Destination from, Message message) {
        Role role = message.type().direction() == org.ministreaming.wire.Direction.SERVER_TO_CLIENT ? Role.CLIENT : Role.SERVER;
        Connection connection = connections.get(new Key(from, role, message.id()));
        if (connection == null) {
            counters.increment(Counter.UNKNOWN_CONNECTION);
            LOG.log(Level.DEBUG, () -> "dropped, no " + role + " connection " + message.id() + " with " + from + ": " + message);
        } else {
            connection.heard();
        }
        return connection;
    }

    private void onSyn(Destination from, Message syn) {
        ConnectionId clientId = syn.id();
        ServerConnection existing = bySyn.get(new SynKey(from, clientId));
        if (existing != null) {
            counters.increment(Counter.DUPLICATE_SYN);
            Message ack = existing.repeatAck();
            LOG.log(Level.DEBUG, () -> "repeated SYN " + clientId + " from " + from + (ack != null ? ", ACK sent again" : ", still waiting for accept"));
            if (ack != null) {
                sendQuietly(from, ack);
            }
            return;
        }
        Acceptor current = acceptor;
        if (closed || current == null || current.isClosed()) {
            refuse(from, clientId, "no server socket is open");
            return;
        }
        if (admission.admitSyn(from, connections.size()) != null) {
            sendQuietly(from, Message.serverClose(clientId));
            return;
        }
        int clientWindow = settings.creditExtension() ? CreditExtension.offeredWindow(syn).orElse(0) : 0;
        ServerConnection connection;
        try {
            connection = register(from, Role.SERVER,
                    id -> new ServerConnection(this, from, id, clientId, settings.receiveBufferSize(), clientWindow));
        } catch (IOException e) {
            refuse(from, clientId, e.getMessage());
            return;
        }
        bySyn.put(new SynKey(from, clientId), connection);
        Acceptor.Offer offer = current.offer(connection);
        if (offer != Acceptor.Offer.QUEUED) {
            if (offer == Acceptor.Offer.PEER_SHARE) {
                admission.refuse(from, Counter.REFUSED_PEER_BACKLOG, current.peerShare() + " connections waiting for accept per peer");
            } else {
                counters.increment(Counter.SYN_REFUSED);
                LOG.log(Level.INFO, "refused SYN " + clientId + " from " + from + ": the accept backlog ("
                        + settings.acceptBacklog() + ") is full or closed");
            }
            connection.fail("refused: the accept backlog is full or closed", true);
            return;
        }
        try {
            connection.setAcceptTimer(timer.schedule(() -> acceptTimedOut(current, connection),
                    settings.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException closing) {
            // close() ran since the checks above and stopped the timer: it refuses the backlog and
            // fails every connection, this one included, so no accept timeout is needed.
            LOG.log(Level.DEBUG, () -> "SYN " + clientId + " from " + from + " arrived while the manager closed");
        }
    }

    private void refuse(Destination from, ConnectionId clientId, String why) {
        counters.increment(Counter.SYN_REFUSED);
        LOG.log(Level.DEBUG, () -> "refused SYN " + clientId + " from " + from + ": " + why);
        sendQuietly(from, Message.serverClose(clientId));
    }

    void refusedOnClose(ServerConnection connection) {
        counters.increment(Counter.SYN_REFUSED);
        connection.fail("refused: the server socket was closed", true);
    }

    private void acceptTimedOut(Acceptor backlog, ServerConnection connection) {
        if (backlog.remove(connection)) {
            counters.increment(Counter.ACCEPT_TIMEOUT);
            LOG.log(Level.INFO, "refused " + connection + ": not accepted within " + settings.acceptTimeout().toMillis() + " ms");
            connection.fail("refused: not accepted in time", true);
        }
    }

    private void onAck(Destination from, Message ack) {
        ConnectionId serverId = ack.ackedServerId();
        Connection connection = connections.get(new Key(from, Role.CLIENT, ack.id()));
        if (connection == null) {
            counters.increment(Counter.LATE_ACK);
            LOG.log(Level.DEBUG, () -> "ACK for " + ack.id() + " from " + from + " with no such connection; closing server id " + serverId);
            sendQuietly(from, Message.clientClose(serverId));
            return;
        }
        connection.heard();
        switch (((ClientConnection) connection).onAck(ack)) {
            case REPEATED -> unexpected(from, ack, "the same ACK again");
            case UNEXPECTED -> {
                // A second server connection for this client id (a repeated SYN met a server that
                // had forgotten the first): close it so that it does not dangle.
                unexpected(from, ack, "a second ACK with another server id; closing that server id");
                sendQuietly(from, Message.clientClose(serverId));
            }
            default -> {
            }
        }
    }

    private void oversize(Destination from, Packet packet) {
        admission.refuse(from, Counter.OVERSIZE_MESSAGE, "messages of at most " + settings.limits().maxMessageSize() + " bytes");
        if (packet instanceof Message message
                && (message.type() == MessageType.CLIENT_DATA || message.type() == MessageType.SERVER_DATA)) {
            Connection connection = find(from, message);
            if (connection != null) {
                connection.fail("protocol violation: " + from + " sent a data message of " + message.payloadLength()
                        + " bytes, more than " + settings.limits().maxMessageSize() + " in all; the connection was closed", true);
            }
        }
    }

    @Override
    public void onPeerLost(Destination peer, IOException cause) {
        counters.increment(Counter.PEERS_LOST);
        for (Connection connection : snapshot()) {
            if (connection.peer().equals(peer)) {
                connection.fail("lost the link to " + peer + ": " + cause.getMessage(), false);
            }
        }
    }

    // ---------------------------------------------------------------- for connections

    void unexpected(Destination from, Message message, String why) {
        counters.increment(Counter.UNEXPECTED);
        LOG.log(Level.DEBUG, () -> "ignored from " + from + ", " + why + ": " + message);
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
        LOG.log(Level.INFO, connection + ": closing, nothing heard from the peer for " + silent.toMillis() + " ms");
        connection.fail("nothing heard from " + connection.peer() + " for " + silent.toMillis()
                + " ms, more than the idle timeout; the connection was closed", true);
    }

    /** Whether some connection with {@code peer} agreed to the credit extension. */
    boolean speaksExtension(Destination peer) {
        for (Connection connection : connections.values()) {
            if (connection.peer().equals(peer) && connection.hasCredit() && connection.isOpen()) {
                return true;
            }
        }
        return false;
    }

    /** The peer answered a ping: every connection with it counts as heard from. */
    void heardFrom(Destination peer) {
        for (Connection connection : connections.values()) {
            if (connection.peer().equals(peer)) {
                connection.heard();
            }
        }
    }

    /** The connections in the table now. */
    List<Connection> connections() {
        return snapshot();
    }

    /** The limits on buffered bytes, for the connections' receive paths. */
    BufferLimits bufferLimits() {
        return bufferLimits;
    }

    private void malformed(Destination from, ByteBuffer message, MalformedMessageException problem) {
        counters.increment(problem.reason() == MalformedMessageException.Reason.UNKNOWN_TYPE
                ? Counter.UNKNOWN_TYPE : Counter.MALFORMED);
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        LOG.log(Level.DEBUG, () -> "dropped " + bytes.length + " bytes from " + from + ": " + problem.getMessage());
        notify(() -> listener.malformed(from, bytes, problem));
    }

    void send(Destination to, Packet packet) throws IOException {
        transmit(to, packet, false);
    }

    /** Hands a message to the transport; {@code opening} for a SYN, which goes by {@link Transport#open}. */
    private void transmit(Destination to, Packet packet, boolean opening) throws IOException {
        // Tell the listener first, so that a trace shows a message before the peer's answer to it.
        notify(() -> listener.sent(to, packet));
        if (opening) {
            transport.open(to, packet.encoded());
        } else {
            transport.send(to, packet.encoded());
        }
        counters.increment(Counter.MESSAGES_SENT);
    }

    void sendQuietly(Destination to, Message message) {
        try {
            send(to, message);
        } catch (IOException e) {
            counters.increment(Counter.SEND_FAILED);
            LOG.log(Level.DEBUG, () -> "could not send " + message + " to " + to + ": " + e.getMessage());
        }
    }

    void forget(Connection connection) {
        if (connections.remove(new Key(connection.peer(), connection.role(), connection.localId()), connection)) {
            admission.closed(connection.peer());
        }
        if (connection instanceof ServerConnection server) {
            bySyn.remove(new SynKey(server.peer(), server.remoteId()), server);
            Acceptor current = acceptor;
            if (current != null) {
                current.remove(server);
            }
        }
    }

    private <C extends Connection> C register(Destination peer, Role role, Function<ConnectionId, C> create) throws IOException {
        for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
            C connection = create.apply(ConnectionId.random(settings.random()));
            if (connections.putIfAbsent(new Key(peer, role, connection.localId()), connection) == null) {
                admission.opened(peer);
                return connection;
            }
        }
        throw new IOException("no free " + role + " connection id with " + peer + " after " + ID_ATTEMPTS + " tries");
    }

    private List<Connection> snapshot() {
        return new ArrayList<>(connections.values());
    }

    private void notify(Runnable call) {
        if (listener == MessageListener.NONE) {
            return;
        }
        try {
            call.run();
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
        for (Connection connection : snapshot()) {
            connection.fail("the manager was closed", true);
        }
        timer.shutdownNow();
        transport.close();
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
