package org.ministreaming.wire;

import java.nio.ByteBuffer;

/**
 * Anything that can arrive as one transport message: a protocol {@link Message} or
 * {@link Chaff}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface Packet permits Message, Chaff {

    /** The type; {@link MessageType#CHAFF} for chaff. */
    MessageType type();

    /** The encoded bytes as a read-only view; the packet never changes them. */
    ByteBuffer encoded();

    /** The number of bytes after the header (for chaff: after the type byte). */
    int payloadLength();

    /** The payload as a read-only view, without copying. */
    ByteBuffer payload();
}
