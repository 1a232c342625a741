package org.ministreaming.wire;

import java.nio.ByteBuffer;

/**
 * Anything that can arrive as one transport message: a protocol {@link Message} or
 * {@link Chaff}. A packet keeps its encoded bytes, so encoding is free and decoding shares the
 * received buffer instead of copying it. Two packets are equal when their bytes are.
 *
 * <p>Immutable and thread-safe.
 */
public abstract sealed class Packet permits Message, Chaff {

    /** The encoded bytes: read-only, from index 0 to the limit; the position is never moved. */
    final ByteBuffer wire;

    Packet(ByteBuffer wire) {
        this.wire = wire;
    }

    /** A read-only buffer over a whole array, which must never change afterwards. */
    static ByteBuffer readOnly(byte[] array) {
        return ByteBuffer.wrap(array).asReadOnlyBuffer();
    }

    /** The type; {@link MessageType#CHAFF} for chaff. */
    public abstract MessageType type();

    /** Bytes before the payload: 4 for a message, the single {@code FF} for chaff. */
    abstract int headerLength();

    /** The encoded bytes as a read-only view. */
    public final ByteBuffer encoded() {
        return wire.duplicate();
    }

    /** A copy of the encoded bytes. */
    public final byte[] toByteArray() {
        byte[] copy = new byte[wire.limit()];
        wire.get(0, copy);
        return copy;
    }

    /** The number of bytes after the header. */
    public final int payloadLength() {
        return wire.limit() - headerLength();
    }

    /** The payload as a read-only view, without copying. */
    public final ByteBuffer payload() {
        return wire.slice(headerLength(), payloadLength());
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof Packet that && getClass() == that.getClass() && wire.equals(that.wire);
    }

    @Override
    public final int hashCode() {
        return wire.hashCode();
    }

    /** The packet in trace notation, see {@link TraceFormat}. */
    @Override
    public final String toString() {
        return TraceFormat.format(this);
    }
}
