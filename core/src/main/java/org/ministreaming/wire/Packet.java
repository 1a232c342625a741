package org.ministreaming.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Anything that can arrive as one transport message: a protocol {@link Message} or
 * {@link Chaff}. A packet keeps its encoded bytes, so encoding is free and decoding shares the
 * received array instead of copying it. Two packets are equal when their bytes are.
 *
 * <p>Immutable and thread-safe.
 */
public abstract sealed class Packet permits Message, Chaff {

    /** The encoded bytes; never changed after construction. */
    final byte[] wire;

    Packet(byte[] wire) {
        this.wire = wire;
    }

    /** The type; {@link MessageType#CHAFF} for chaff. */
    public abstract MessageType type();

    /** Bytes before the payload: 4 for a message, the single {@code FF} for chaff. */
    abstract int headerLength();

    /** The encoded bytes as a read-only view. */
    public final ByteBuffer encoded() {
        return ByteBuffer.wrap(wire).asReadOnlyBuffer();
    }

    /** A copy of the encoded bytes. */
    public final byte[] toByteArray() {
        return wire.clone();
    }

    /** The number of bytes after the header. */
    public final int payloadLength() {
        return wire.length - headerLength();
    }

    /** The payload as a read-only view, without copying. */
    public final ByteBuffer payload() {
        return ByteBuffer.wrap(wire, headerLength(), payloadLength()).slice().asReadOnlyBuffer();
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof Packet that && getClass() == that.getClass() && Arrays.equals(wire, that.wire);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(wire);
    }

    /** The packet in trace notation, see {@link TraceFormat}. */
    @Override
    public final String toString() {
        return TraceFormat.format(this);
    }
}
