package org.ministreaming.transport.tcp;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One message waiting for a link's writer, in the two parts it was sent in; the writer copies
 * both into its write buffer as one frame. Immutable: the buffers are read-only views that
 * nobody moves.
 *
 * @param header the message's first bytes
 * @param payload the rest, possibly empty
 * @param sent run once the writer has copied both, when the sender lent their memory
 *     ({@link org.ministreaming.transport.Transport#sendLent}); {@code null} when it handed it over
 */
record Outbound(ByteBuffer header, ByteBuffer payload, Runnable sent) {

    /** A message whose memory is handed over. */
    Outbound(ByteBuffer header, ByteBuffer payload) {
        this(header, payload, null);
    }

    /** A whole message whose memory is lent: {@code sent} runs once the writer has copied it. */
    static Outbound lent(ByteBuffer message, Runnable sent) {
        return new Outbound(message.duplicate(), Frames.EMPTY, Objects.requireNonNull(sent, "sent"));
    }

    /** The writer has copied the message: the sender may reuse what it lent. */
    void copied() {
        if (sent != null) {
            sent.run();
        }
    }

    /** The message's length in bytes. */
    int remaining() {
        return header.remaining() + payload.remaining();
    }
}
