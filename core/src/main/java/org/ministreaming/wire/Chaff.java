package org.ministreaming.wire;

import java.nio.ByteBuffer;

/**
 * Chaff: a message whose first byte is {@code FF}, of any length, ignored on receipt. The
 * original implementation's {@code ping()} sent the 1-byte form, {@link #PING}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Chaff extends Packet {

    /** The single byte {@code FF}. */
    public static final Chaff PING = new Chaff(readOnly(new byte[] {(byte) 0xFF}));

    private Chaff(ByteBuffer wire) {
        super(wire);
    }

    /**
     * Chaff carrying a copy of {@code body} after the {@code FF} byte.
     *
     * @param body any bytes
     * @return the chaff
     */
    public static Chaff of(byte[] body) {
        byte[] wire = new byte[1 + body.length];
        wire[0] = (byte) 0xFF;
        System.arraycopy(body, 0, wire, 1, body.length);
        return new Chaff(readOnly(wire));
    }

    /** Wraps bytes the codec has checked start with {@code FF}; the buffer becomes this chaff's. */
    static Chaff wrap(ByteBuffer wire) {
        return new Chaff(wire);
    }

    @Override
    public MessageType type() {
        return MessageType.CHAFF;
    }

    @Override
    int headerLength() {
        return 1;
    }
}
