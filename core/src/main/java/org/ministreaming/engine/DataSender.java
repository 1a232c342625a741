package org.ministreaming.engine;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Transport;

/**
 * A connection's outbound data: writes cut into messages of at most
 * {@link Connection#MAX_DATA_PER_MESSAGE} data bytes, each taking the peer's credit first, either
 * waiting for it ({@link CreditWait}) and for room in the transport, or taking only what there is
 * now of both ({@link Transport#offerLent}), with a callback for when there is more
 * ({@link #onWritable}). While such a callback waits for credit, the peer is probed
 * on the engine's timer as a waiting writer probes it, so a peer lost without news is noticed.
 *
 * <p>Thread-safe: {@code sendLock} orders the connection's outbound messages, so that a close
 * that holds it ({@link #lockForClose}) follows every byte written before it; the credit is
 * guarded by the connection's {@code lock}.
 */
final class DataSender {

    /** Full data messages a write takes the credit for at once, and offers to the transport in one run ({@link SendPath#sendData}). */
    private static final int MESSAGES_AT_ONCE = 4;
    private static final Deadline CREDIT_WAIT = Deadline.none(() -> "Write interrupted while waiting for credit");
    private static final VarHandle PROBING;
    private static final VarHandle NO_ROOM;

    static {
        try {
            PROBING = MethodHandles.lookup().findVarHandle(DataSender.class, "probing", boolean.class);
            NO_ROOM = MethodHandles.lookup().findVarHandle(DataSender.class, "noRoom", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection connection;
    private final Readiness writable = new Readiness();
    /**
     * Whether the timer probes the peer for a waiting callback; at most one chain of probes at a
     * time. Set through {@link #PROBING} rather than an {@code AtomicBoolean}: every connection has one.
     */
    private volatile boolean probing;
    /**
     * Whether the transport had no room for the last write that does not wait, and has not said
     * there is room again ({@link Transport#whenRoom}); set through {@link #NO_ROOM}.
     */
    private volatile boolean noRoom;
    private final ReentrantLock sendLock = new ReentrantLock();

    DataSender(Connection connection) {
        this.connection = connection;
    }

    /**
     * Sends {@code length} bytes, waiting for credit up to the write timeout if {@code wait};
     * otherwise as many as the credit allows now.
     *
     * @return the number of bytes sent: all of them when waiting
     * @throws IOException as {@link Connection#write} says
     */
    int send(byte[] source, int offset, int length, boolean wait) throws IOException {
        if (length == 0) {
            connection.checkWritable();
            return 0;
        }
        int sent = 0;
        sendLock.lock();
        try {
            do {
                int n = reserve(Math.min(length, MESSAGES_AT_ONCE * Connection.MAX_DATA_PER_MESSAGE), wait);
                if (n == 0) {
                    return sent;
                }
                int taken;
                try {
                    taken = connection.engine.sendPath.sendData(connection, source, offset, n, wait);
                } catch (IOException e) {
                    IOException sending = new IOException("sending to " + connection.peer + " failed: " + Failures.reason(e), e);
                    connection.fail(sending, false);
                    // Failed first for another reason, such as the peer lost: that is what the writer gets.
                    IOException failure = connection.failure();
                    throw failure == null || failure == sending ? e : Failures.again(failure);
                }
                if (taken < n) {
                    noRoom(n - taken);
                    return sent + taken;
                }
                offset += n;
                length -= n;
                sent += n;
            } while (length > 0);
            return sent;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Takes the credit for up to {@code wanted} bytes: if {@code wait}, waits until there is some,
     * probing the peer meanwhile ({@link CreditWait}); otherwise takes what there is now, maybe 0.
     */
    private int reserve(int wanted, boolean wait) throws IOException {
        CreditWait creditWait = new CreditWait(connection.writeTimeoutMillis(), System.nanoTime());
        connection.lock.lock();
        try {
            while (true) {
                connection.checkWritable();
                Credit credit = connection.credit();
                int granted = credit == null ? wanted : credit.take(wanted);
                if (granted > 0 || !wait) {
                    return granted;
                }
                long now = System.nanoTime();
                long nanos = creditWait.next(now, connection.peer);
                if (nanos > 0) {
                    CREDIT_WAIT.await(connection.stateChanged, now + nanos);
                    continue;
                }
                connection.lock.unlock();
                try {
                    connection.engine.liveness().probe(connection.peer, true);
                } finally {
                    connection.lock.lock();
                }
            }
        } finally {
            connection.lock.unlock();
        }
    }

    /**
     * The transport had no room for the last {@code unsent} bytes a write that does not wait took
     * the credit for: gives that back, and until the transport has room again, the connection is
     * not writable. At most one wake-up is asked for at a time.
     */
    private void noRoom(int unsent) {
        connection.lock.lock();
        try {
            Credit credit = connection.credit();
            if (credit != null) {
                credit.giveBack(unsent);
            }
        } finally {
            connection.lock.unlock();
        }
        if (NO_ROOM.compareAndSet(this, false, true)) {
            connection.engine.sendPath.whenRoom(connection.peer, this::roomCame);
        }
    }

    /** The transport has room again (or the way to the peer ended): a waiting callback runs. */
    private void roomCame() {
        noRoom = false;
        signalWritable();
    }

    /**
     * Runs {@code callback} once on {@code executor} when a write would not wait for credit, nor
     * find the transport without room, or would fail (see {@link Readiness}); probes the peer meanwhile.
     */
    void onWritable(Executor executor, Runnable callback) {
        writable.register(executor, callback, this::writableNow);
        if (writable.pending() && PROBING.compareAndSet(this, false, true)) {
            connection.engine.liveness().probeWhile(connection.peer, this::stillWaiting);
        }
    }

    /** Credit came, or the connection ended: runs a waiting callback. Call with no lock held. */
    void signalWritable() {
        writable.fire();
    }

    private boolean writableNow() {
        return connection.closedLocally || connection.failure() != null
                || !noRoom && connection.underLock(() -> connection.credit() == null || connection.credit().takable());
    }

    /** Whether the probes go on: a callback still waits. A registration that came as they stop starts them again. */
    private boolean stillWaiting() {
        if (writable.pending()) {
            return true;
        }
        probing = false;
        return writable.pending() && PROBING.compareAndSet(this, false, true);
    }

    /**
     * For a close: waits for a write in progress to hand over its current message, at most
     * {@code millis}.
     *
     * @return whether it holds {@code sendLock} now; then {@link #unlockAfterClose} must follow
     */
    boolean lockForClose(long millis) {
        return Locks.tryLockUninterruptibly(sendLock, TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Ends what {@link #lockForClose} began. */
    void unlockAfterClose() {
        sendLock.unlock();
    }
}
