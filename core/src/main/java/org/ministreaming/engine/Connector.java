package org.ministreaming.engine;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.ministreaming.Role;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.TransportThreads;
import org.ministreaming.wire.CreditExtension;
import org.ministreaming.wire.Message;

/**
 * Opens connections: the limits' check, a new {@link ClientConnection} in its peer's session and
 * its SYN, and then either a wait for the answer ({@link #connect}) or none ({@link #connectAsync}).
 * A connect that does not wait sends its SYN at once if the transport can
 * ({@link org.ministreaming.transport.Transport#openNow}), else on one of the opener's threads
 * (at most {@value #OPENERS}, each gone after {@value #OPENER_IDLE_SECONDS} s without work), so
 * that it never waits for a dial or for room; a sweep on the timer gives it up if the peer says
 * nothing in time.
 *
 * <p>Thread-safe.
 */
final class Connector {

    /** How many SYNs that had to wait may be on their way at once (dials to slow peers, each on a thread). */
    private static final int OPENERS = 16;

    private static final long OPENER_IDLE_SECONDS = 5;

    /** How often the timer looks for connects whose time is up: a connect gives up at most this late. */
    private static final long SWEEP_MILLIS = 50;

    /** A connect that does not wait, and when it gives up. */
    private record Unanswered(ClientConnection connection, long deadlineNanos, long timeoutMillis) {
    }

    private final Engine engine;
    private final Transport transport;
    private final EngineSettings settings;
    private final Admission admission;
    private final PeerSessions sessions;
    private final SendPath sendPath;
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor openers;
    /**
     * Connects that do not wait, in the order they began, until the sweep after their answer:
     * one timer task for them all, every {@value #SWEEP_MILLIS} ms while any is left, instead of one
     * per connect (whose scheduling would wake the timer's thread for each).
     */
    private final Queue<Unanswered> unanswered = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweepArmed = new AtomicBoolean();
    /** The openers' threads alive, for {@link #close} to join. */
    private final Set<Thread> openerThreads = ConcurrentHashMap.newKeySet();

    Connector(Engine engine, Transport transport, EngineSettings settings, Admission admission, PeerSessions sessions,
            SendPath sendPath, ScheduledExecutorService timer) {
        this.engine = engine;
        this.transport = transport;
        this.settings = settings;
        this.admission = admission;
        this.sessions = sessions;
        this.sendPath = sendPath;
        this.timer = timer;
        String name = "ministreaming-connect-" + transport.localDestination();
        this.openers = new ThreadPoolExecutor(OPENERS, OPENERS, OPENER_IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(() -> {
                        try {
                            task.run();
                        } finally {
                            openerThreads.remove(Thread.currentThread());
                        }
                    }, name);
                    thread.setDaemon(true);
                    openerThreads.add(thread);
                    return thread;
                });
        openers.allowCoreThreadTimeOut(true);
    }

    /** As {@link Engine#connect}. */
    ClientConnection connect(Destination peer, Duration timeout) throws IOException {
        ClientConnection connection = register(peer, null);
        if (engine.isClosed()) {
            connection.fail(new SocketException("the manager was closed"), false);
        } else {
            try {
                sendPath.send(peer, syn(connection), true);
            } catch (IOException e) {
                IOException failure = Failures.synNotSent(peer, e, engine.isClosed());
                connection.fail(failure, false);
                throw failure;
            }
        }
        connection.awaitEstablished(Math.max(1, Deadline.millis(timeout)));
        return connection;
    }

    /** As {@link Engine#connectAsync}. */
    ClientConnection connectAsync(Destination peer, Duration timeout, BiConsumer<ClientConnection, IOException> answer)
            throws IOException {
        ClientConnection connection = register(peer, answer);
        long millis = Math.max(1, Deadline.millis(timeout));
        try {
            unanswered.add(new Unanswered(connection, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), millis));
            armSweep();
            if (!engine.isClosed()) {
                Message syn = syn(connection);
                if (!sendPath.openNow(peer, syn)) {
                    openers.execute(() -> openWaiting(connection, syn));
                }
                return connection;
            }
        } catch (RejectedExecutionException closing) {
            // The timer or the openers stopped: the engine is closing.
        }
        connection.fail(new SocketException("the manager was closed"), false);
        return connection;
    }

    /** Starts the sweep of {@link #unanswered} on the timer, unless it is started. */
    private void armSweep() {
        if (sweepArmed.compareAndSet(false, true)) {
            timer.schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * On the timer: forgets the connects that were answered, gives up those whose time is up,
     * and comes back while any is left.
     */
    private void sweep() {
        long now = System.nanoTime();
        unanswered.removeIf(waiting -> {
            if (waiting.connection().answered()) {
                return true;
            }
            if (now - waiting.deadlineNanos() < 0) {
                return false;
            }
            waiting.connection().giveUp(new SocketTimeoutException(ClientConnection.noAnswer(waiting.connection().peer(), waiting.timeoutMillis())));
            return true;
        });
        sweepArmed.set(false);
        if (!unanswered.isEmpty()) {
            try {
                armSweep();
            } catch (RejectedExecutionException closing) {
                // The engine closed: it failed every connection, and with them their connects.
            }
        }
    }

    /** Stops the openers; {@link #join} waits for their threads once the transport is closed, which ends their dials. */
    void close() {
        openers.shutdownNow();
    }

    /** Waits for the openers' threads to end. */
    void join() {
        for (Thread thread : openerThreads) {
            TransportThreads.joinUninterruptibly(thread);
        }
    }

    private ClientConnection register(Destination peer, BiConsumer<ClientConnection, IOException> answer) throws IOException {
        if (engine.isClosed()) {
            throw new SocketException("the manager is closed");
        }
        PeerSession known = sessions.get(peer);
        if (admission.admitConnection(peer, known == null ? 0 : known.connectionCount(), sessions.connectionCount()) != null) {
            throw new SocketException("connection limit reached: the manager may hold " + settings.limits().maxConnections()
                    + " connections, " + settings.limits().maxConnectionsPerPeer() + " with one peer");
        }
        int offeredWindow = settings.creditExtension() ? settings.receiveBufferSize() : 0;
        return sessions.register(peer, Role.CLIENT, id -> new ClientConnection(engine, peer, id, offeredWindow, answer));
    }

    private Message syn(ClientConnection connection) {
        byte[] destination = transport.synPayload();
        int offeredWindow = connection.offeredWindow();
        return Message.syn(connection.localId(), offeredWindow > 0 ? CreditExtension.withTrailer(destination, offeredWindow) : destination);
    }

    /**
     * On an opener: the SYN by the send that may dial and wait, unless the connect was given up
     * meanwhile (the message listener has been told of the SYN already, as it went to
     * {@link SendPath#openNow}).
     */
    private void openWaiting(ClientConnection connection, Message syn) {
        if (connection.isClosed()) {
            return;
        }
        try {
            sendPath.sendOpening(connection.peer(), syn);
        } catch (IOException e) {
            connection.fail(Failures.synNotSent(connection.peer(), e, engine.isClosed()), false);
        }
    }
}
