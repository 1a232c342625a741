package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
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
     * @param offeredWindow the window this side offers in its SYN, or 0 to offer no credit extension
     */
    ClientConnection(Engine engine, Destination peer, ConnectionId clientId, int offeredWindow) {
        super(engine, peer, clientId);
        this.offeredWindow = offeredWindow;
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
        lock.lock();
        try {
            if (state == ClientState.SYN_SENT) {
                serverId = ackedServerId;
                if (offeredWindow > 0 && ack.ackWindow().isPresent()) {
                    enableCredit(offeredWindow, ack.ackWindow().getAsInt());
                }
                state = state.moveTo(ClientState.ESTABLISHED);
                stateChanged.signalAll();
                return AckResult.ESTABLISHED;
            }
            return ackedServerId.equals(serverId) ? AckResult.REPEATED : AckResult.UNEXPECTED;
        } finally {
            lock.unlock();
        }
    }

    /** Receive path: a {@code 52} with this connection's client id. */
    void onServerClose(Message close) {
        lock.lock();
        try {
            if (state == ClientState.SYN_SENT) {
                state = state.moveTo(ClientState.REFUSED);
                stateChanged.signalAll();
                engine.forget(this);
                return;
            }
        } finally {
            lock.unlock();
        }
        onRemoteClose(close);
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
        Deadline deadline = Deadline.in(timeoutMillis, () -> new SocketTimeoutException("no answer from " + peer + " within "
                + timeoutMillis + " ms: neither an ACK nor a refusal came back. Check that the destination is right and that"
                + " its endpoint runs; a peer that is slow to answer (a first contact over I2P can take many"
                + " seconds) needs a longer connect timeout"), () -> "connect to " + peer + " interrupted");
        lock.lock();
        try {
            while (state == ClientState.SYN_SENT && !closedLocally) {
                try {
                    deadline.await(stateChanged);
                } catch (InterruptedIOException timedOutOrInterrupted) {
                    if (state == ClientState.SYN_SENT && !closedLocally) {
                        giveUp();
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
            if (state == ClientState.REFUSED) {
                throw new ConnectionRefusedException("connection refused by " + peer);
            }
            IOException failure = failure();
            throw failure != null ? Failures.again(failure) : new SocketException("Socket closed");
        } finally {
            lock.unlock();
        }
    }

    private void giveUp() {
        state = state.moveTo(ClientState.CLOSED);
        engine.forget(this);
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
