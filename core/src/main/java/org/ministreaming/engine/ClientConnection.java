package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.ministreaming.Role;
import org.ministreaming.ConnectionRefusedException;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * A connection this side opened: SYN out, then ACK or refusal. Thread-safe, see {@link Connection}.
 */
public final class ClientConnection extends Connection {

    /** What an ACK did to this connection. */
    enum AckResult { ESTABLISHED, REPEATED, UNEXPECTED }

    private final int offeredWindow;
    private ClientState state = ClientState.SYN_SENT;
    private volatile ConnectionId serverId;
    /**
     * Where a connect that does not wait hears its answer, until it has: then {@code null}, for
     * good (so a read without the lock that finds {@code null} may trust it). Changed under {@code lock}.
     */
    private volatile BiConsumer<ClientConnection, IOException> answer;

    /**
     * @param offeredWindow the window this side offers in its SYN, or 0 to offer no credit extension
     * @param answer where a connect that does not wait hears its answer ({@link Engine#connectAsync}),
     *     or {@code null} for one that waits
     */
    ClientConnection(Engine engine, Destination peer, ConnectionId clientId, int offeredWindow,
            BiConsumer<ClientConnection, IOException> answer) {
        super(engine, peer, clientId);
        this.offeredWindow = offeredWindow;
        this.answer = answer;
    }

    /** The window this side offers in its SYN, or 0. */
    int offeredWindow() {
        return offeredWindow;
    }

    /** Why a connect waits no more: the text of its {@link SocketTimeoutException}. */
    static String noAnswer(Destination peer, long timeoutMillis) {
        return "no answer from " + peer + " within " + timeoutMillis + " ms: neither an ACK nor a refusal came back. Check"
                + " that the destination is right and that its endpoint runs; a peer that is slow to answer (a first"
                + " contact over I2P can take many seconds) needs a longer connect timeout";
    }

    @Override
    public Role role() {
        return Role.CLIENT;
    }

    @Override
    public ConnectionId remoteId() {
        return serverId;
    }

    /** The current state. */
    public ClientState state() {
        return underLock(() -> state);
    }

    @Override
    public boolean isClosed() {
        return underLock(() -> state == ClientState.CLOSED || state == ClientState.REFUSED);
    }

    /**
     * Receive path: an ACK with this connection's client id. An ACK with a credit trailer
     * answers the offer this side made in its SYN; a plain one means a plain peer.
     */
    AckResult onAck(Message ack) {
        ConnectionId ackedServerId = ack.ackedServerId();
        BiConsumer<ClientConnection, IOException> toAnswer;
        lock.lock();
        try {
            if (state != ClientState.SYN_SENT) {
                return ackedServerId.equals(serverId) ? AckResult.REPEATED : AckResult.UNEXPECTED;
            }
            serverId = ackedServerId;
            if (offeredWindow > 0 && ack.ackWindow().isPresent()) {
                enableCredit(offeredWindow, ack.ackWindow().getAsInt());
            }
            state = state.moveTo(ClientState.ESTABLISHED);
            stateChanged.signalAll();
            toAnswer = takeAnswer();
        } finally {
            lock.unlock();
        }
        if (toAnswer != null) {
            toAnswer.accept(this, null);
        }
        return AckResult.ESTABLISHED;
    }

    /** Receive path: a {@code 52} with this connection's client id. */
    void onServerClose(Message close) {
        boolean refused;
        lock.lock();
        try {
            refused = state == ClientState.SYN_SENT;
            if (refused) {
                state = state.moveTo(ClientState.REFUSED);
                stateChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            engine.forget(this);
        } else {
            onRemoteClose(close);
        }
    }

    /**
     * Waits for the server's answer to the SYN.
     *
     * @throws ConnectionRefusedException if the server refused
     * @throws SocketTimeoutException if no answer came in time; the connection is given up
     * @throws InterruptedIOException if interrupted (flag kept); the connection is given up. An
     *     answer that came as the wait ended counts instead: the connection is established (an
     *     interrupt keeps its flag), so that the server's end does not dangle
     * @throws IOException if the connection failed or was closed meanwhile
     */
    void awaitEstablished(long timeoutMillis) throws IOException {
        Deadline deadline = Deadline.in(timeoutMillis, () -> new SocketTimeoutException(noAnswer(peer, timeoutMillis)),
                () -> "connect to " + peer + " interrupted");
        lock.lock();
        try {
            while (state == ClientState.SYN_SENT && !closedLocally) {
                try {
                    deadline.await(stateChanged);
                } catch (InterruptedIOException timedOutOrInterrupted) {
                    if (giveUp(timedOutOrInterrupted)) {
                        throw timedOutOrInterrupted;
                    }
                    // The answer came as the wait ended, and counts (an interrupt keeps its flag):
                    // giving the connection up now would leave the server's accepted end dangling.
                }
            }
            if (serverId != null) {
                // Established, and perhaps closed already by a close that came right behind the
                // ACK: the caller gets the socket and reads what arrived, then EOF.
                return;
            }
            throw whyNotEstablished(true);
        } finally {
            lock.unlock();
        }
    }

    /** Why the connection ended before an ACK; a failure {@code again} for a thread that throws it. Under {@code lock}. */
    private IOException whyNotEstablished(boolean again) {
        if (state == ClientState.REFUSED) {
            return new ConnectionRefusedException("connection refused by " + peer);
        }
        IOException failure = failure();
        return failure == null ? new SocketException("Socket closed") : again ? Failures.again(failure) : failure;
    }

    /** Whether a connect that does not wait has had its answer (always for one that waits). */
    boolean answered() {
        return answer == null;
    }

    /**
     * A connect gives up (no answer in time, its caller cancelled or was interrupted): if no
     * answer came, the connection ends and the answer of a connect that does not wait is
     * {@code why}. A late ACK is then met as one for no connection: the peer is sent a close.
     *
     * @return whether it gave up; not if the answer came first
     */
    public boolean giveUp(IOException why) {
        BiConsumer<ClientConnection, IOException> toAnswer;
        lock.lock();
        try {
            if (state != ClientState.SYN_SENT || closedLocally) {
                return false;
            }
            state = state.moveTo(ClientState.CLOSED);
            stateChanged.signalAll();
            toAnswer = takeAnswer();
        } finally {
            lock.unlock();
        }
        engine.forget(this);
        if (toAnswer != null) {
            toAnswer.accept(null, why);
        }
        return true;
    }

    /** The connection ended ({@link Engine#forget}): a connect that does not wait and has no answer yet hears why. */
    void ended() {
        if (answer == null) {
            return; // a connect that waits, or answered already: the common case, without the lock
        }
        BiConsumer<ClientConnection, IOException> toAnswer;
        IOException why;
        lock.lock();
        try {
            toAnswer = takeAnswer();
            why = toAnswer == null ? null : whyNotEstablished(false);
        } finally {
            lock.unlock();
        }
        if (toAnswer != null) {
            toAnswer.accept(null, why);
        }
    }

    /** The answer's callback, once: later calls get {@code null}. Under {@code lock}. */
    private BiConsumer<ClientConnection, IOException> takeAnswer() {
        BiConsumer<ClientConnection, IOException> taken = answer;
        answer = null;
        return taken;
    }

    @Override
    boolean isEstablished() {
        return state == ClientState.ESTABLISHED;
    }

    @Override
    boolean moveToClosed() {
        boolean peerKnows = state == ClientState.ESTABLISHED;
        if (state.canMoveTo(ClientState.CLOSED)) {
            state = ClientState.CLOSED;
        }
        return peerKnows;
    }

    @Override
    Message dataMessage(byte[] into, byte[] source, int offset, int length) {
        return into == null ? Message.of(MessageType.CLIENT_DATA, serverId, source, offset, length)
                : Message.into(into, MessageType.CLIENT_DATA, serverId, source, offset, length);
    }

    @Override
    ByteBuffer dataHeader() {
        return Message.header(MessageType.CLIENT_DATA, serverId);
    }

    @Override
    Message closeMessage() {
        return Message.clientClose(serverId);
    }

    @Override
    Message creditMessage(int increment) {
        return Message.clientCredit(serverId, increment);
    }
}
