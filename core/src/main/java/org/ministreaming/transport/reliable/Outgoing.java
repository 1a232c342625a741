package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;

/**
 * A message in a peer's send window. Immutable.
 *
 * @param message the message of the layer above
 * @param opening whether it opens a connection: sent as a {@link Probe} while the peer's mode is undecided
 * @param more whether it is a segment of a larger message, and the next message numbered carries more of it
 */
record Outgoing(ByteBuffer message, boolean opening, boolean more) {

    /** A message in one piece. */
    Outgoing(ByteBuffer message, boolean opening) {
        this(message, opening, false);
    }
}
