package org.ministreaming.wire;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * The credit (flow control) extension's offer and answer: a 9-byte trailer that a client appends
 * to its SYN payload and a server appends to its ACK payload.
 *
 * <pre>
 *  4D 53 46 43   "MSFC", marks the trailer
 *  01            version
 *  WW WW WW WW   window: bytes the sender of this trailer buffers for the connection, big-endian,
 *                1 .. 2^31-1; the other side may send that many data bytes before it needs credit
 * </pre>
 *
 * <p>The original implementation parsed the destination at the start of a SYN payload and ignored
 * whatever followed, so the trailer is invisible to it. It accepted only 3-byte ACK payloads, so a
 * server sends the trailer in its ACK only to a client that offered it. Stateless and thread-safe.
 */
public final class CreditExtension {

    /** Bytes in the trailer. */
    public static final int TRAILER_LENGTH = 9;

    /** The version this implementation speaks. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = {0x4D, 0x53, 0x46, 0x43};

    private CreditExtension() {
    }

    /**
     * The trailer offering {@code window}.
     *
     * @throws IllegalArgumentException if {@code window} is not positive
     */
    public static byte[] trailer(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        byte[] trailer = new byte[TRAILER_LENGTH];
        System.arraycopy(MAGIC, 0, trailer, 0, MAGIC.length);
        trailer[4] = VERSION;
        writeInt(trailer, 5, window);
        return trailer;
    }

    /** {@code destination} followed by the trailer offering {@code window}. */
    public static byte[] withTrailer(byte[] destination, int window) {
        byte[] payload = new byte[destination.length + TRAILER_LENGTH];
        System.arraycopy(destination, 0, payload, 0, destination.length);
        System.arraycopy(trailer(window), 0, payload, destination.length, TRAILER_LENGTH);
        return payload;
    }

    /**
     * The window a SYN offers, if its payload ends with a valid trailer.
     *
     * @param syn a SYN
     * @return the window, or empty for a plain SYN
     */
    public static OptionalInt offeredWindow(Message syn) {
        return windowAtEnd(syn.wire, Message.HEADER_LENGTH);
    }

    /** The window in a trailer ending at the end of {@code wire}, not starting before {@code from}. */
    static OptionalInt windowAtEnd(ByteBuffer wire, int from) {
        int start = wire.limit() - TRAILER_LENGTH;
        if (start < from) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (wire.get(start + i) != MAGIC[i]) {
                return OptionalInt.empty();
            }
        }
        int window = wire.getInt(start + 5);
        if (wire.get(start + 4) != VERSION || window < 1) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(window);
    }

    static void writeInt(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }
}
