package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.ministreaming.Counter;
import org.ministreaming.Role;
import org.ministreaming.ReceiveLimitException;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * One ministreaming connection: the data path both ways and the close, shared by the two roles.
 * The opening handshake lives in {@link ClientConnection} and {@link ServerConnection}.
 *
 * <p>When both sides agreed to the credit extension, the connection keeps {@link Credit}
 * accounts: a writer waits for credit instead of overrunning the peer's buffer, and the reader
 * grants credit back as it consumes. Without the extension (a plain peer), a peer that sends more
 * than the plain allowance ahead of the reader gets the connection closed. Either way, the
 * manager's receive budget may evict a connection; see {@link BufferLimits}.
 *
 * <p>Thread-safe, under the threading contract written on {@link Engine}: {@code lock} guards the
 * state, the failure and the credit (but the reader's count between grants: see {@link Credit});
 * {@link DataSender}'s {@code sendLock} orders this connection's outbound messages so that a
 * close follows every byte written before it. The control messages it sends (credit, close) go by
 * {@link Engine#reply}. The readiness callbacks ({@link #onReadable}, {@link #onWritable}) are
 * fired with neither lock held.
 */
public abstract sealed class Connection permits ClientConnection, ServerConnection {

    /** Most data bytes one message carries. */
    public static final int MAX_DATA_PER_MESSAGE = 32768;

    /** How long a close waits for a writer held up by the transport before it goes regardless. */
    static final long CLOSE_LINGER_MILLIS = 1000;

    final Engine engine;
    final Destination peer;
    final ConnectionId localId;
    final ReentrantLock lock = new ReentrantLock();
    final Condition stateChanged = lock.newCondition();
    private final DataSender sender = new DataSender(this);
    private final ReceiveBuffer inbound;
    /** Why writes fail; null while writable. Guarded by {@code lock}, read without it. */
    private volatile IOException failure;
    /** Whether this side closed it. */
    volatile boolean closedLocally;
    private volatile long readTimeoutMillis;
    private volatile long writeTimeoutMillis;
    private volatile long lastHeardNanos = System.nanoTime();
    /** The credit accounts, or null on a plain connection: set under {@code lock}; see {@link Credit} for what guards them. */
    private volatile Credit credit;

    Connection(Engine engine, Destination peer, ConnectionId localId) {
        this.engine = engine;
        this.peer = peer;
        this.localId = localId;
        this.inbound = engine.bufferLimits().bufferFor(this);
    }

    /** The other side's destination. */
    public Destination peer() {
        return peer;
    }

    /** This side's id for the connection. */
    public ConnectionId localId() {
        return localId;
    }

    /** Reads something guarded by {@code lock}. */
    final <T> T underLock(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /** Which side this endpoint is. */
    public abstract Role role();

    /** The other side's id, or {@code null} before the client has the ACK. */
    public abstract ConnectionId remoteId();

    /** Whether the connection is over, for any reason. */
    public abstract boolean isClosed();

    /** Sets how long a read waits; 0 waits forever. */
    public void setReadTimeoutMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("read timeout must be >= 0: " + millis);
        }
        readTimeoutMillis = millis;
    }

    /** How long a read waits; 0 waits forever. */
    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** Sets how long a write waits for credit from a slow peer; 0 waits forever. */
    public void setWriteTimeoutMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("write timeout must be >= 0: " + millis);
        }
        writeTimeoutMillis = millis;
    }

    /** How long a write waits for credit; 0 waits forever. */
    public long writeTimeoutMillis() {
        return writeTimeoutMillis;
    }

    /** Whether both sides agreed to the credit extension. */
    public boolean hasCredit() {
        return credit != null;
    }

    /** The most bytes the receive buffer has held at once. */
    public int receiveHighWater() {
        return inbound.highWater();
    }

    /**
     * Reads at least one byte, blocking up to the read timeout.
     *
     * @return the number of bytes read, or -1 once the peer closed and everything was read
     * @throws java.net.SocketTimeoutException if the read timeout passed
     * @throws java.io.InterruptedIOException if interrupted (the interrupt flag stays set)
     * @throws IOException if the connection failed or this side closed it
     */
    public int read(byte[] target, int offset, int length) throws IOException {
        return grantCredit(inbound.read(target, offset, length, readTimeoutMillis), true);
    }

    /**
     * Reads what is buffered now, without waiting.
     *
     * @return the number of bytes read, 0 if none has arrived yet, or -1 once the peer closed and
     *     everything was read
     * @throws IOException if the connection failed or this side closed it
     */
    public int readNow(byte[] target, int offset, int length) throws IOException {
        return grantCredit(inbound.readNow(target, offset, length), false);
    }

    /** Runs {@code callback} once on {@code executor} when a read would not wait; see {@link Readiness}. */
    public void onReadable(Executor executor, Runnable callback) {
        inbound.onReadable(executor, callback);
    }

    /**
     * Gives the peer back the credit for the bytes a read returned (none for -1 or 0), in steps,
     * with any growth of the window ({@link Credit#afterRead}), by a send that waits only if the
     * reader may ({@link SendPath#sendGrant}); returns what the read returned.
     */
    private int grantCredit(int consumed, boolean mayWait) {
        Credit accounts = credit;
        int increment = consumed <= 0 || accounts == null ? 0 : accounts.afterRead(consumed,
                () -> underLock(() -> isEstablished() ? engine.windows().grant(this, accounts, consumed, inbound) : 0));
        if (increment > 0) {
            engine.sendPath.sendGrant(peer, creditMessage(increment), mayWait);
            engine.windows().measure(engine, peer);
        }
        return consumed;
    }

    /** Bytes readable without blocking. */
    public int available() {
        return inbound.available();
    }

    /**
     * Sends bytes now, as messages of at most {@value #MAX_DATA_PER_MESSAGE} data bytes. With the
     * credit extension, waits while the peer has granted no credit, up to the write timeout.
     *
     * @throws SocketException if this side closed the connection
     * @throws java.net.SocketTimeoutException if no credit came within the write timeout; the
     *     bytes before were sent, the rest were not
     * @throws java.io.InterruptedIOException if interrupted while waiting (flag kept)
     * @throws IOException if the peer closed it, it failed, or the transport could not send
     */
    public void write(byte[] source, int offset, int length) throws IOException {
        sender.send(source, offset, length, true);
    }

    /**
     * Sends as many bytes as the peer's credit allows now and the transport has room for
     * ({@link org.ministreaming.transport.Transport#offerLent}), without waiting for more; a
     * transport that cannot say whether it has room may still hold the caller up.
     *
     * @return the number of bytes sent, 0 when the peer granted no credit yet or the transport has no room
     * @throws SocketException if this side closed the connection
     * @throws IOException if the peer closed it, it failed, or the transport could not send
     */
    public int writeNow(byte[] source, int offset, int length) throws IOException {
        return sender.send(source, offset, length, false);
    }

    /** Runs {@code callback} once on {@code executor} when a write would not wait for credit or room, or would fail; see {@link Readiness}. */
    public void onWritable(Executor executor, Runnable callback) {
        sender.onWritable(executor, callback);
    }

    /** Throws why writes fail now, if they do. */
    final void checkWritable() throws IOException {
        if (closedLocally) {
            throw new SocketException("Socket closed");
        }
        IOException failed = failure;
        if (failed != null) {
            throw Failures.again(failed);
        }
    }

    /**
     * Closes the connection both ways. Waits for a write in progress to hand over its current
     * message (at most {@value #CLOSE_LINGER_MILLIS} ms), then sends the close, so every byte of
     * each write that returned goes first. Readers blocked on this connection fail at once.
     * Idempotent.
     */
    public void close() {
        lock.lock();
        try {
            if (closedLocally) {
                return;
            }
            closedLocally = true;
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        inbound.closeLocally();
        sender.signalWritable();
        // The sendLock, so the close follows the writer's message; a writer stops at its next one, so
        // this is quick unless the transport holds it up: then the close goes by the reply path.
        boolean ordered = sender.lockForClose(CLOSE_LINGER_MILLIS);
        try {
            boolean tellPeer;
            lock.lock();
            try {
                tellPeer = moveToClosed();
                stateChanged.signalAll();
            } finally {
                lock.unlock();
            }
            engine.forget(this);
            if (tellPeer) {
                engine.sendClose(peer, closeMessage(), ordered);
            }
        } finally {
            if (ordered) {
                sender.unlockAfterClose();
            }
        }
    }

    /** Receive path: the peer was heard from, on this connection or by a pong. */
    final void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** When the peer was last heard from, in {@link System#nanoTime()} terms. */
    final long lastHeardNanos() {
        return lastHeardNanos;
    }

    /**
     * Starts keeping credit accounts: both sides agreed to the extension, so the receive buffer is
     * bound by the window instead of the plain allowance. Call with {@code lock} held, before the
     * connection is established.
     */
    final void enableCredit(int receiveWindow, int peerWindow) {
        credit = new Credit(receiveWindow, peerWindow);
        inbound.bound(receiveWindow, false);
    }

    /**
     * Receive path: a data message for this connection. When the receive budget has no room, a
     * connection is evicted (outside this connection's lock) and the message offered again.
     * {@code giveBack} ({@code null} if the payload is handed over) lets go of the memory the
     * payload is lent in: it is the receive buffer's if this returns {@code true}, else the
     * caller's. Without {@code wakeReader}, {@link #wakeReader()} wakes the reader later.
     */
    final boolean onData(Message message, Runnable giveBack, boolean wakeReader) {
        ByteBuffer payload = message.payload();
        ReceiveBuffer.Offer offer;
        int evictions = 0;
        do {
            lock.lock();
            try {
                if (!isEstablished()) {
                    engine.unexpected(peer, message, "data before the connection is established", isClosed());
                    return false;
                }
                offer = inbound.offer(payload, giveBack, wakeReader);
            } finally {
                lock.unlock();
            }
        } while (offer == ReceiveBuffer.Offer.BEYOND_BUDGET && engine.bufferLimits().makeRoom(this, evictions++));
        if (offer != ReceiveBuffer.Offer.BEYOND_BOUND) {
            if (wakeReader) {
                inbound.signalReadable();
            }
            return offer == ReceiveBuffer.Offer.TAKEN;
        }
        if (hasCredit()) {
            engine.violation(this, Counter.CREDIT_VIOLATION, payload.remaining() + " data bytes beyond the credit it was given");
            fail(new ReceiveLimitException("protocol violation: " + peer
                    + " sent more than the credit it was given; the connection was closed"), true);
        } else {
            engine.bufferLimits().overrun(this, payload.remaining());
        }
        return false;
    }

    /** Receive path: wakes the reader of data offered without waking it. */
    final void wakeReader() {
        inbound.wakeReader();
    }

    /**
     * Drops the buffered bytes, freeing their memory, and ends the connection (close sent); the
     * reader gets {@code reason}, even if the connection had ended already. Call without {@code lock}.
     */
    final void evict(IOException reason) {
        inbound.discard(reason);
        fail(reason, true);
    }

    /** Receive path: the peer granted credit. */
    final void onCredit(Message message) {
        boolean overflow;
        lock.lock();
        try {
            if (credit == null) {
                engine.extensionOnPlain(peer, message);
                return;
            }
            if (!isEstablished()) {
                engine.unexpected(peer, message, "credit for a connection that is not established", isClosed());
                return;
            }
            overflow = !credit.add(message.creditIncrement());
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        sender.signalWritable();
        if (overflow) {
            engine.violation(this, Counter.CREDIT_VIOLATION, "credit beyond 2^31-1 bytes");
            fail(new ReceiveLimitException("protocol violation: " + peer
                    + " granted credit beyond 2^31-1 bytes; the connection was closed"), true);
        }
    }

    /** Receive path: the peer closed an established connection. */
    final void onRemoteClose(Message message) {
        lock.lock();
        try {
            if (!isEstablished()) {
                engine.unexpected(peer, message, "close for a connection that is not established", isClosed());
                return;
            }
            moveToClosed();
            failure = Failures.closedByPeer(peer);
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        inbound.finish();
        sender.signalWritable();
        engine.forget(this);
    }

    /**
     * Ends the connection because of {@code reason}: readers drain and then get an exception of
     * its type and message, caused by it; so do writers and a waiting connect.
     *
     * @param tellPeer whether to send the peer a close if it still counts the connection open
     * @return whether this call ended the connection while the peer still counted it open
     */
    final boolean fail(IOException reason, boolean tellPeer) {
        boolean peerKnows;
        lock.lock();
        try {
            if (isClosed()) {
                return false;
            }
            if (failure == null) {
                failure = reason;
            }
            peerKnows = moveToClosed();
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        inbound.fail(reason);
        sender.signalWritable();
        engine.forget(this);
        if (tellPeer && peerKnows) {
            engine.reply(peer, closeMessage());
        }
        return peerKnows;
    }

    /** The credit accounts, or {@code null} on a plain connection; call with {@code lock} held. */
    final Credit credit() {
        return credit;
    }

    /** Why the connection failed, or {@code null}. */
    final IOException failure() {
        return failure;
    }

    /** Whether data may flow now. */
    final boolean isOpen() {
        return underLock(() -> isEstablished());
    }

    /** Whether data may flow; call with {@code lock} held. */
    abstract boolean isEstablished();

    /** Moves to the final state, with {@code lock} held; returns whether the peer still counts the connection open. */
    abstract boolean moveToClosed();

    /** A data message of {@code length} bytes of {@code source}, laid out at the start of {@code into} unless it is {@code null}. */
    abstract Message dataMessage(byte[] into, byte[] source, int offset, int length);

    /** The header of this connection's data messages, for a payload sent apart ({@link org.ministreaming.transport.Transport#sendNow}). */
    abstract ByteBuffer dataHeader();

    abstract Message closeMessage();

    abstract Message creditMessage(int increment);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + peer + " " + role() + " " + localId + "]";
    }
}
