package org.ministreaming.wire;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * One side's 24-bit connection id. {@code 00 00 00} is reserved and never a valid id.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the id, 1 to {@code 0xFFFFFF}
 */
public record ConnectionId(int value) {

    /** The largest id, {@code FF FF FF}. */
    public static final int MAX = 0xFFFFFF;

    /** Number of bytes an id takes on the wire. */
    public static final int LENGTH = 3;

    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException if the value is 0 or does not fit 24 bits
     */
    public ConnectionId {
        if (value < 1 || value > MAX) {
            throw new IllegalArgumentException(
                    "connection id must be 1.." + MAX + " (00 00 00 is reserved), was " + value);
        }
    }

    /**
     * Draws an id uniformly from 1..{@code 0xFFFFFF}, as the original did.
     *
     * @param random the source; pass a {@code SecureRandom} outside tests
     * @return a new id
     */
    public static ConnectionId random(Random random) {
        return new ConnectionId(random.nextInt(MAX) + 1);
    }

    /**
     * Reads a big-endian 3-byte value; it may be 0, which callers must reject.
     *
     * @param bytes the source
     * @param offset where the three bytes start
     * @return the 24-bit value
     */
    public static int readRaw(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 16 | (bytes[offset + 1] & 0xFF) << 8 | bytes[offset + 2] & 0xFF;
    }

    /** {@link #readRaw(byte[], int)} from a buffer, at an index that does not depend on its position. */
    static int readRaw(ByteBuffer bytes, int offset) {
        return (bytes.get(offset) & 0xFF) << 16 | (bytes.get(offset + 1) & 0xFF) << 8 | bytes.get(offset + 2) & 0xFF;
    }

    /**
     * Writes this id as three big-endian bytes.
     *
     * @param target the destination array
     * @param offset where the three bytes go
     */
    public void writeTo(byte[] target, int offset) {
        target[offset] = (byte) (value >>> 16);
        target[offset + 1] = (byte) (value >>> 8);
        target[offset + 2] = (byte) value;
    }

    /** The id in trace notation, for example {@code 12 34 56}. */
    @Override
    public String toString() {
        return String.format("%02X %02X %02X", value >>> 16, (value >>> 8) & 0xFF, value & 0xFF);
    }
}
