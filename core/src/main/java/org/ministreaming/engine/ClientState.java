package org.ministreaming.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a connection this side opened, with the transitions the protocol allows.
 *
 * <pre>
 * SYN_SENT --ACK (3-byte payload)--> ESTABLISHED --close (either side)--> CLOSED
 * SYN_SENT --52 before the ACK-----> REFUSED
 * SYN_SENT --timeout or close------> CLOSED
 * </pre>
 *
 * Immutable and thread-safe.
 */
public enum ClientState {
    /** The SYN is out; waiting for the ACK. */
    SYN_SENT,
    /** The ACK came; data flows both ways. */
    ESTABLISHED,
    /** The server answered the SYN with a close. Final. */
    REFUSED,
    /** Over: closed by either side, given up, or failed. Final. */
    CLOSED;

    /** Whether the protocol allows moving from this state to {@code next}. */
    public boolean canMoveTo(ClientState next) {
        return successors().contains(next);
    }

    /**
     * The state after moving to {@code next}.
     *
     * @throws IllegalStateException if the move is not allowed
     */
    public ClientState moveTo(ClientState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("client connection cannot go from " + this + " to " + next);
        }
        return next;
    }

    private Set<ClientState> successors() {
        return switch (this) {
            case SYN_SENT -> EnumSet.of(ESTABLISHED, REFUSED, CLOSED);
            case ESTABLISHED -> EnumSet.of(CLOSED);
            case REFUSED, CLOSED -> EnumSet.noneOf(ClientState.class);
        };
    }
}
