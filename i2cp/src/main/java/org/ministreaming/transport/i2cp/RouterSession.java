package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import net.i2p.client.I2PSessionMuxedListener;
import net.i2p.client.impl.I2PClientImpl;
import org.ministreaming.transport.TransportThreads;

/**
 * The I2CP session of one {@link I2cpTransport}, through its life: opened, lost when the router
 * goes away, opened again by a thread of its own ({@code ministreaming-i2cp-reconnect-*}, with the
 * same keys, after 1, 2, 4 ... up to 30 s) until that succeeds or the transport is closed. Each
 * try to open a session gives up after the open timeout: a thread of its own
 * ({@code ministreaming-i2cp-deadline-*}) ends the session still connecting then.
 *
 * <p>Thread-safe: the session is swapped under this object's lock and read without it.
 */
final class RouterSession {

    private static final System.Logger LOG = System.getLogger(I2cpTransport.class.getName());
    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long LAST_RETRY_MILLIS = 30_000;
    /** What a router says when the destination has a session already (its disconnect reason). */
    private static final String DUPLICATE_DESTINATION = "duplicate destination";

    private final String router;
    private final I2pKeys keys;
    private final Properties options;
    private final I2PSessionMuxedListener listener;
    private final Consumer<IOException> onLost;
    private final Duration openTimeout;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong disconnects = new AtomicLong();
    private volatile I2PSession session;
    private volatile I2PSession connecting;
    private volatile IOException lastFailure;
    private volatile boolean closed;
    private volatile RouterSocket socket = RouterSocket.NONE;
    private Thread reconnector;

    /**
     * A session not yet opened.
     *
     * @param router the router's I2CP address, {@code HOST:PORT}, for messages
     * @param keys the identity
     * @param options the session options, the router's address among them
     * @param listener I2P's callbacks, for every session opened
     * @param onLost told, outside any lock, when an open session was lost
     * @param openTimeout how long one try to open a session may take, tunnels built included
     */
    RouterSession(String router, I2pKeys keys, Properties options, I2PSessionMuxedListener listener, Consumer<IOException> onLost,
            Duration openTimeout) {
        this.router = router;
        this.openTimeout = openTimeout;
        this.keys = keys;
        this.options = options;
        this.listener = listener;
        this.onLost = onLost;
    }

    /**
     * Opens the session; blocks until the router has built its tunnels, the open timeout passed,
     * or {@link #close} is called.
     *
     * @throws SocketTimeoutException if the session was not open within the open timeout
     * @throws IOException if the router cannot be reached or refuses, or this was closed meanwhile
     */
    void open() throws IOException {
        // Not under the lock, which close() takes before it ends a session still connecting.
        I2PSession opened = connect();
        synchronized (this) {
            if (closed) {
                destroy(opened);
                throw new IOException("the transport was closed");
            }
            session = opened;
        }
    }

    /** How long one try to open a session may take. */
    Duration openTimeout() {
        return openTimeout;
    }

    /** The open session, or {@code null} while there is none. */
    I2PSession current() {
        return session;
    }

    /** The TCP connection of the session opened last, or {@link RouterSocket#NONE}. */
    RouterSocket socket() {
        return socket;
    }

    /** Whether the session is open now. */
    boolean isConnected() {
        I2PSession current = session;
        return current != null && !current.isClosed();
    }

    /** How often the session was lost. */
    long disconnects() {
        return disconnects.get();
    }

    /** Whether {@link #close} was called. */
    boolean isClosed() {
        return closed;
    }

    /** The error for a send while there is no session. */
    IOException notConnected() {
        if (closed) {
            return new IOException("the I2CP transport is closed");
        }
        IOException cause = lastFailure;
        return new IOException("not connected to the I2P router at " + router + ", reconnecting"
                + (cause != null ? " (" + cause.getMessage() + ")" : ""), cause);
    }

    /** I2P says {@code dropped} is gone: if it was the open session, report it and start reconnecting. */
    void lost(I2PSession dropped, String why) {
        IOException cause;
        synchronized (this) {
            if (closed || dropped != session) {
                return;
            }
            session = null;
            disconnects.incrementAndGet();
            cause = new IOException("lost the I2CP session with the I2P router at " + router + ": " + why);
            lastFailure = cause;
            reconnector = new Thread(this::reconnect, "ministreaming-i2cp-reconnect-" + keys.base32().substring(0, 8));
            reconnector.setDaemon(true);
            reconnector.start();
        }
        LOG.log(Level.WARNING, cause.getMessage() + "; every connection through it failed, reconnecting");
        onLost.accept(cause);
        destroy(dropped);
    }

    /**
     * Stops reconnecting, waits until the router has read everything sent so far, and ends the
     * session. Idempotent.
     */
    void close() {
        Thread waitFor;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closing.countDown();
            waitFor = reconnector;
        }
        destroy(connecting);
        TransportThreads.joinUninterruptibly(waitFor);
        I2PSession last = session;
        drain(last);
        destroy(last);
        session = null;
    }

    private I2PSession connect() throws IOException {
        I2PSession created;
        try {
            created = new I2PClientImpl().createSession(I2pContext.get(), keys.keyStream(), options);
        } catch (I2PSessionException e) {
            throw new IOException("I2P's client library refused the keys or options: " + e.getMessage(), e);
        }
        created.addMuxedSessionListener(listener, I2PSession.PROTO_ANY, I2PSession.PORT_ANY);
        connecting = created;
        Deadline deadline = new Deadline(created);
        try {
            if (closed) {
                throw new IOException("the transport was closed");
            }
            created.connect();
            if (!deadline.finish()) {
                throw new I2PSessionException("ended at the deadline");
            }
            socket = RouterSocket.of(created);
            return created;
        } catch (I2PSessionException e) {
            destroy(created);
            throw deadline.expired() ? timedOut(e) : refused(e);
        } finally {
            deadline.cancel();
            connecting = null;
        }
    }

    /** Why the wait ended: what was waited for, and how long. */
    private SocketTimeoutException timedOut(I2PSessionException e) {
        SocketTimeoutException timeout = new SocketTimeoutException("gave up after " + openTimeout.toSeconds()
                + " s waiting for the I2P router at " + router + " to open a session for " + keys.base32()
                + " and build its tunnels (a router that has just started, or has few peers, can take minutes;"
                + " one without network builds only zero-hop tunnels, for sessions with inbound.length=0 and outbound.length=0)");
        timeout.initCause(e);
        return timeout;
    }

    /**
     * Ends one session still connecting when the open timeout passes, on a thread of its own that
     * ends as soon as the try does. The try and the watcher race for one state change, so a
     * session is either returned open or ended, never both.
     */
    private final class Deadline {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int EXPIRED = 2;

        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final Thread watcher;

        Deadline(I2PSession trying) {
            watcher = new Thread(() -> {
                try {
                    if (!done.await(openTimeout.toMillis(), TimeUnit.MILLISECONDS) && state.compareAndSet(RUNNING, EXPIRED)) {
                        destroy(trying);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ministreaming-i2cp-deadline-" + keys.base32().substring(0, 8));
            watcher.setDaemon(true);
            watcher.start();
        }

        /** Whether the try ended in time: the session may be kept. */
        boolean finish() {
            return state.compareAndSet(RUNNING, FINISHED) || state.get() == FINISHED;
        }

        /** Whether the watcher ended the session at the deadline. */
        boolean expired() {
            return state.get() == EXPIRED;
        }

        void cancel() {
            done.countDown();
            TransportThreads.joinUninterruptibly(watcher);
        }
    }

    /** Why the router would not open the session, with what to do about it. */
    private IOException refused(I2PSessionException e) {
        String detail = rootMessage(e);
        if (detail.toLowerCase(java.util.Locale.ROOT).contains(DUPLICATE_DESTINATION)) {
            return new IOException("the I2P router at " + router + " refused the session: the destination " + keys.base32()
                    + " has a session there already (\"" + DUPLICATE_DESTINATION + "\"); another program, or another"
                    + " manager in this one, uses the same keys: stop it or use other keys", e);
        }
        return new IOException("cannot open an I2CP session with the I2P router at " + router
                + " (is the router running, with I2CP on that port?): " + detail, e);
    }

    private void reconnect() {
        int failures = 0;
        try {
            while (!closing.await(retryDelayMillis(failures), TimeUnit.MILLISECONDS)) {
                try {
                    I2PSession reopened = connect();
                    synchronized (this) {
                        if (closed) {
                            destroy(reopened);
                            return;
                        }
                        session = reopened;
                        reconnector = null;
                    }
                    LOG.log(Level.INFO, "I2CP session with the I2P router at " + router + " is back");
                    return;
                } catch (IOException e) {
                    lastFailure = e;
                    failures++;
                    long next = retryDelayMillis(failures);
                    LOG.log(Level.DEBUG, () -> "reconnecting failed, next try in " + next / 1000 + " s: " + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How long to wait before the next try to reconnect: 1 s after the session was lost, then
     * twice as long after each failed try, 30 s at most.
     *
     * @param failures how many tries failed since the session was lost
     */
    static long retryDelayMillis(int failures) {
        long delay = FIRST_RETRY_MILLIS;
        for (int i = 0; i < failures && delay < LAST_RETRY_MILLIS; i++) {
            delay *= 2;
        }
        return Math.min(delay, LAST_RETRY_MILLIS);
    }

    /**
     * Waits until the router has read everything sent so far: I2P's client library discards the
     * messages still queued for the router when a session is destroyed, and plain messages, which
     * nobody acknowledges, would be lost. Asking the router for its bandwidth limits is a round
     * trip on the same connection, so its answer comes after the router took every earlier message.
     */
    private static void drain(I2PSession session) {
        if (session == null || session.isClosed()) {
            return;
        }
        try {
            session.bandwidthLimits();
        } catch (I2PSessionException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "the router did not answer before the session closed: " + e.getMessage());
        }
    }

    private static void destroy(I2PSession session) {
        if (session == null) {
            return;
        }
        try {
            session.destroySession();
        } catch (I2PSessionException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "destroying the I2CP session: " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
