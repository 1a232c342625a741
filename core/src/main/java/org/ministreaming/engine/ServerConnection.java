package org.ministreaming.engine;

import java.nio.ByteBuffer;
import org.ministreaming.Role;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * A connection a peer opened to this side: SYN in, backlog, accept, ACK. Thread-safe, see
 * {@link Connection}.
 */
public final class ServerConnection extends Connection {

    private final ConnectionId clientId;
    private final int window;
    private ServerState state = ServerState.SYN_RECEIVED;
    /** When the accept timeout refuses it, in {@link System#nanoTime} terms; guarded by the {@link Acceptor}'s lock. */
    long acceptDueNanos;

    /**
     * @param receiveBufferSize the window this side offers if the client offered one
     * @param clientWindow the window the client offered in its SYN, or 0 for a plain SYN or when
     *     this side does not take up the offer
     */
    ServerConnection(Engine engine, Destination peer, ConnectionId serverId, ConnectionId clientId,
            int receiveBufferSize, int clientWindow) {
        super(engine, peer, serverId);
        this.clientId = clientId;
        this.window = clientWindow > 0 ? receiveBufferSize : 0;
        if (clientWindow > 0) {
            enableCredit(receiveBufferSize, clientWindow);
        }
    }

    @Override
    public Role role() {
        return Role.SERVER;
    }

    @Override
    public ConnectionId remoteId() {
        return clientId;
    }

    /** The current state. */
    public ServerState state() {
        return underLock(() -> state);
    }

    @Override
    public boolean isClosed() {
        return underLock(() -> state == ServerState.CLOSED);
    }

    /**
     * Enters the backlog; called by the {@link Acceptor} under its lock, so {@code accept()}
     * never sees a connection that is not yet waiting.
     *
     * @return {@code false} if the connection ended before it got there
     */
    boolean enterBacklog() {
        lock.lock();
        try {
            if (state != ServerState.SYN_RECEIVED) {
                return false;
            }
            state = state.moveTo(ServerState.WAITING_FOR_ACCEPT);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Taken from the backlog by {@code accept()}.
     *
     * @return the ACK to send, or {@code null} if the connection ended meanwhile
     */
    Message establish() {
        lock.lock();
        try {
            if (state != ServerState.WAITING_FOR_ACCEPT) {
                return null;
            }
            state = state.moveTo(ServerState.ESTABLISHED);
            return ack();
        } finally {
            lock.unlock();
        }
    }

    /** The ACK again, for a repeated SYN, or {@code null} while not established. */
    Message repeatAck() {
        return underLock(() -> state == ServerState.ESTABLISHED ? ack() : null);
    }

    /** The plain 7-byte ACK, or with the credit trailer when the client offered the extension. */
    private Message ack() {
        return window > 0 ? Message.ack(clientId, localId, window) : Message.ack(clientId, localId);
    }

    @Override
    boolean isEstablished() {
        return state == ServerState.ESTABLISHED;
    }

    @Override
    boolean moveToClosed() {
        boolean peerKnows = state != ServerState.CLOSED;
        state = ServerState.CLOSED;
        return peerKnows;
    }

    @Override
    Message dataMessage(byte[] into, byte[] source, int offset, int length) {
        return into == null ? Message.of(MessageType.SERVER_DATA, clientId, source, offset, length)
                : Message.into(into, MessageType.SERVER_DATA, clientId, source, offset, length);
    }

    @Override
    ByteBuffer dataHeader() {
        return Message.header(MessageType.SERVER_DATA, clientId);
    }

    @Override
    Message closeMessage() {
        return Message.serverClose(clientId);
    }

    @Override
    Message creditMessage(int increment) {
        return Message.serverCredit(clientId, increment);
    }
}
