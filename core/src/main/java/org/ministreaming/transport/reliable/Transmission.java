package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * The bytes of one message to the inner transport, in two parts: a data frame's header and the
 * message it carries, which goes out as the layer above gave it, not copied into the frame.
 * Immutable: both buffers are read-only, and nobody moves them.
 *
 * @param header the first bytes: a frame's header, or the whole of a message sent in one piece
 * @param payload the rest, possibly empty
 */
record Transmission(ByteBuffer header, ByteBuffer payload) {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** A message in one piece. */
    static Transmission whole(ByteBuffer message) {
        return new Transmission(message, EMPTY);
    }

    /** Replies with it through {@code inner}, never blocking; in two parts when there are two. */
    boolean replyTo(Transport inner, Destination to) {
        return payload.hasRemaining() ? inner.reply(to, header.duplicate(), payload.duplicate()) : inner.reply(to, header.duplicate());
    }

    /** Sends it through {@code inner}: in two parts when there are two, so the transport may gather them. */
    void sendTo(Transport inner, Destination to) throws IOException {
        if (payload.hasRemaining()) {
            inner.send(to, header.duplicate(), payload.duplicate());
        } else {
            inner.send(to, header.duplicate());
        }
    }
}
