package org.ministreaming.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a connection a peer opened to this side, with the transitions allowed.
 *
 * <pre>
 * SYN_RECEIVED --queued in the backlog--> WAITING_FOR_ACCEPT --accept(), ACK sent--> ESTABLISHED
 * SYN_RECEIVED --backlog full or closed, refused--> CLOSED
 * WAITING_FOR_ACCEPT --accept timeout or server socket closed, refused--> CLOSED
 * ESTABLISHED --close (either side)--> CLOSED
 * </pre>
 *
 * Immutable and thread-safe.
 */
public enum ServerState {
    /** A SYN arrived and a server id was drawn. */
    SYN_RECEIVED,
    /** In the accept backlog; no ACK yet. */
    WAITING_FOR_ACCEPT,
    /** Accepted and ACKed; data flows both ways. */
    ESTABLISHED,
    /** Over: refused, closed by either side, or failed. Final. */
    CLOSED;

    /** Whether the protocol allows moving from this state to {@code next}. */
    public boolean canMoveTo(ServerState next) {
        return successors().contains(next);
    }

    /**
     * The state after moving to {@code next}.
     *
     * @throws IllegalStateException if the move is not allowed
     */
    public ServerState moveTo(ServerState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("server connection cannot go from " + this + " to " + next);
        }
        return next;
    }

    private Set<ServerState> successors() {
        return switch (this) {
            case SYN_RECEIVED -> EnumSet.of(WAITING_FOR_ACCEPT, CLOSED);
            case WAITING_FOR_ACCEPT -> EnumSet.of(ESTABLISHED, CLOSED);
            case ESTABLISHED -> EnumSet.of(CLOSED);
            case CLOSED -> EnumSet.noneOf(ServerState.class);
        };
    }
}
