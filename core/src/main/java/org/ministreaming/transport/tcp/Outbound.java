package org.ministreaming.transport.tcp;

import java.nio.ByteBuffer;

/**
 * One message waiting for a link's writer, in the two parts it was sent in; the writer copies
 * both into its write buffer as one frame. Immutable: the buffers are read-only views that
 * nobody moves.
 *
 * @param header the message's first bytes
 * @param payload the rest, possibly empty
 */
record Outbound(ByteBuffer header, ByteBuffer payload) {

    /** The message's length in bytes. */
    int remaining() {
        return header.remaining() + payload.remaining();
    }
}
