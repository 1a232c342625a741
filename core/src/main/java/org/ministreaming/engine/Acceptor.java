package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.wire.Message;

/**
 * The accept backlog: incoming connections wait here, unacknowledged, until {@link #accept}
 * takes them or their accept timeout refuses them.
 *
 * <p>Thread-safe. One lock guards the queue, so a connection is either taken by
 * {@code accept()} (or {@code acceptNow()}) or removed by the timer, never both.
 */
public final class Acceptor {

    private final Engine engine;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Who waits to hear that {@link #acceptNow} would take a connection ({@link #onAcceptable}). */
    private final Readiness acceptable = new Readiness();
    private final ArrayDeque<ServerConnection> backlog = new ArrayDeque<>();
    private final long timeoutNanos;
    private boolean closed;
    /** Whether the engine's timer will look at this backlog ({@link #armTimer}, {@link #expire}). */
    private boolean timerArmed;

    /**
     * @param capacity the most connections waiting at once
     * @param timeoutNanos how long a connection may wait before it is refused
     */
    Acceptor(Engine engine, int capacity, long timeoutNanos) {
        this.engine = engine;
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Takes the next incoming connection and acknowledges it.
     *
     * @param timeoutMillis how long to wait; 0 waits forever
     * @return the established connection
     * @throws SocketTimeoutException if none came in time
     * @throws SocketException if this acceptor or its engine is closed
     * @throws InterruptedIOException if interrupted (flag kept)
     * @throws IOException if the ACK could not be sent
     */
    public ServerConnection accept(long timeoutMillis) throws IOException {
        while (true) {
            ServerConnection next = take(timeoutMillis);
            Message ack = next.establish();
            if (ack != null) {
                try {
                    engine.sendPath.sendAck(next.peer(), ack, true);
                } catch (IOException e) {
                    next.fail(new IOException("sending the ACK to " + next.peer() + " failed: " + Failures.reason(e), e), false);
                    throw e;
                }
                return next;
            }
        }
    }

    /**
     * Takes the next incoming connection if one is waiting, and acknowledges it, without waiting
     * for either: the ACK goes at once or by the transport's reply path ({@link SendPath#sendAck}).
     *
     * @return the established connection, or {@code null} if none is waiting
     * @throws SocketException if this acceptor or its engine is closed and none is waiting
     * @throws IOException if the transport took the ACK neither way (the connection is then failed)
     */
    public ServerConnection acceptNow() throws IOException {
        while (true) {
            ServerConnection next = poll();
            if (next == null) {
                return null;
            }
            Message ack = next.establish();
            if (ack != null) {
                if (!engine.sendPath.sendAck(next.peer(), ack, false)) {
                    IOException full = new IOException("the transport had no room for the ACK to " + next.peer());
                    next.fail(full, false);
                    throw full;
                }
                return next;
            }
        }
    }

    /**
     * Runs {@code callback} once on {@code executor} when {@link #acceptNow} would not return
     * {@code null}: a connection is waiting, or this acceptor is closed; at once if that is so
     * already. One-shot, with the guarantees of {@link Readiness}.
     *
     * @throws IllegalStateException if a callback registered before has not run yet
     */
    public void onAcceptable(Executor executor, Runnable callback) {
        acceptable.register(executor, callback, () -> {
            lock.lock();
            try {
                return closed || !backlog.isEmpty();
            } finally {
                lock.unlock();
            }
        });
    }

    private ServerConnection take(long timeoutMillis) throws IOException {
        Deadline deadline = Deadline.inOrNone(timeoutMillis,
                () -> new SocketTimeoutException("Accept timed out after " + timeoutMillis + " ms"), () -> "accept interrupted");
        lock.lock();
        try {
            while (backlog.isEmpty()) {
                throwIfClosed();
                deadline.await(arrived);
            }
            return backlog.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    private ServerConnection poll() throws SocketException {
        lock.lock();
        try {
            if (backlog.isEmpty()) {
                throwIfClosed();
            }
            return backlog.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, with the backlog empty. */
    private void throwIfClosed() throws SocketException {
        if (closed) {
            // As a java.net.ServerSocket closed under a blocked accept() says, unless the manager went.
            throw new SocketException(engine.isClosed() ? "the manager was closed" : "Socket closed");
        }
    }

    /** What became of an offered connection. */
    enum Offer {
        /** In the backlog, waiting for {@code accept()}. */
        QUEUED,
        /** Refused: the backlog is full or closed. */
        FULL,
        /** Refused: the peer already holds half the backlog. */
        PEER_SHARE,
        /** The connection ended before it got there. */
        GONE
    }

    /**
     * Queues an incoming connection, moving it to {@link ServerState#WAITING_FOR_ACCEPT}. One
     * peer may hold at most half the backlog, so a flood from one peer leaves room for others.
     */
    Offer offer(ServerConnection connection) {
        Offer offer = queue(connection);
        if (offer == Offer.QUEUED) {
            acceptable.fire();
        }
        return offer;
    }

    private Offer queue(ServerConnection connection) {
        lock.lock();
        try {
            if (closed || backlog.size() >= capacity) {
                return Offer.FULL;
            }
            if (backlog.stream().filter(waiting -> waiting.peer().equals(connection.peer())).count() >= peerShare()) {
                return Offer.PEER_SHARE;
            }
            if (!connection.enterBacklog()) {
                return Offer.GONE;
            }
            connection.acceptDueNanos = System.nanoTime() + timeoutNanos;
            backlog.addLast(connection);
            // One connection, one waiting accept(): the signal goes to a call still waiting (one
            // that timed out or was interrupted first is passed over), and a call it wakes looks
            // at the backlog before it can time out.
            arrived.signal();
            return Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the caller must start the timer for this backlog's accept timeouts: one timer for
     * the whole backlog, armed while connections wait, instead of one per connection (each of
     * which would wake the timer thread).
     */
    boolean armTimer() {
        lock.lock();
        try {
            if (timerArmed || closed) {
                return false;
            }
            timerArmed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The timer: takes out the connections whose accept timeout has passed into {@code expired}.
     * The backlog is in the order they are due, as every connection waits as long.
     *
     * @return nanoseconds until the next one is due, or -1 when none waits (the timer is then
     *     disarmed, and the next {@link #armTimer} starts it again)
     */
    long expire(long now, List<ServerConnection> expired) {
        lock.lock();
        try {
            while (!backlog.isEmpty() && backlog.peekFirst().acceptDueNanos - now <= 0) {
                expired.add(backlog.removeFirst());
            }
            if (backlog.isEmpty() || closed) {
                timerArmed = false;
                return -1;
            }
            return backlog.peekFirst().acceptDueNanos - now;
        } finally {
            lock.unlock();
        }
    }

    /** The most connections one peer may have waiting: half the backlog, at least one. */
    int peerShare() {
        return Math.max(1, capacity / 2);
    }

    /** Removes a waiting connection; {@code false} if {@code accept()} took it already. */
    boolean remove(ServerConnection connection) {
        lock.lock();
        try {
            return backlog.remove(connection);
        } finally {
            lock.unlock();
        }
    }

    /** Whether new connections are refused. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting: waiting {@code accept()} calls fail, connections in the backlog are
     * refused with a close, and later SYNs are refused. Idempotent.
     */
    public void close() {
        List<ServerConnection> refused;
        lock.lock();
        try {
            closed = true;
            refused = new ArrayList<>(backlog);
            backlog.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        for (ServerConnection connection : refused) {
            engine.refusedOnClose(connection);
        }
        acceptable.fire();
    }
}
