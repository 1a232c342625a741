package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;

/**
 * A message in a peer's send window. Immutable.
 *
 * @param message the message of the layer above
 * @param opening whether it opens a connection: sent as a {@link Probe} while the peer's mode is undecided
 */
record Outgoing(ByteBuffer message, boolean opening) {
}
