package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * One frame of the reliable delivery layer: a 26-byte header, with a wide SACK
 * ({@link #WIDE_SACK}) the words of it after, and, for a data frame, one message of the layer
 * above as its payload, or one segment of it ({@link #MORE}). See protocol.md, "Reliable delivery
 * layer".
 *
 * <pre>
 *  0      type 7E
 *  1      flags: 01 data (seq and payload are valid), 02 reset, 04 more segments of this message
 *         follow, 08 the sender joins segments, 10 the sender reads wide SACKs, 20 a wide SACK
 *         follows the header; other bits sent as 0, ignored
 *  2..5   sender epoch: the sender's epoch towards the receiver, never 0
 *  6..9   receiver epoch: the receiver's epoch as the sender last accepted it; 0 if none yet
 *  10..13 seq: the data's sequence number (0 without data)
 *  14..17 cumulative ack: the next seq the sender expects from the receiver
 *  18..25 SACK: bit i (value 1 &lt;&lt; i) set = seq (ack + 1 + i) arrived
 *  26     with flag 20 only: n, 1 to 255, the SACK's further words
 *  27..   with flag 20 only: n words of 8 bytes; bit i of word j = seq (ack + 65 + 64 j + i) arrived
 *  then   payload
 * </pre>
 *
 * All numbers are big-endian and unsigned; sequence numbers wrap around at 2^32. The ack fields
 * mean something only when the receiver epoch is not 0.
 *
 * <p>Immutable and thread-safe; the payload buffer is shared, not copied.
 *
 * @param flags a combination of {@link #DATA}, {@link #RESET}, {@link #MORE}, {@link #SEGMENTS} and
 *     {@link #READS_WIDE}; {@link #WIDE_SACK} is set exactly when {@code sack} is wide
 * @param senderEpoch the sender's epoch
 * @param receiverEpoch the receiver's epoch as the sender knows it, or 0
 * @param seq the sequence number of the payload
 * @param ack the cumulative acknowledgement
 * @param sack the selective acknowledgement
 * @param payload the message carried, read-only; empty without {@link #DATA}
 */
record Frame(int flags, int senderEpoch, int receiverEpoch, int seq, int ack, Sack sack, ByteBuffer payload) {

    /** The type byte: outside A0-AF, 50-5F and FF, the ranges the ministreaming protocol uses or reserves. */
    static final byte TYPE = 0x7E;
    /** The header's length in bytes. */
    static final int HEADER = 26;
    /** Flag: the frame carries a message, numbered {@code seq}. */
    static final int DATA = 0x01;
    /** Flag: the sender does not know the epoch named as the receiver epoch; the receiver must start afresh. */
    static final int RESET = 0x02;
    /** Flag: the payload is a segment of a message, and the frame numbered {@code seq + 1} carries more of it. Only with {@link #DATA}. */
    static final int MORE = 0x04;
    /** Flag: the sender joins segments ({@link #MORE}), so it may be sent messages in several frames. */
    static final int SEGMENTS = 0x08;
    /** Flag: the sender reads wide SACKs ({@link #WIDE_SACK}), so its acknowledgements may reach past 64 messages. */
    static final int READS_WIDE = 0x10;
    /** Flag: further words of the SACK follow the header, a count byte and then the words. */
    static final int WIDE_SACK = 0x20;
    /** How many sequence numbers after the cumulative ack the header's SACK field covers. */
    static final int SACK_BITS = 64;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    Frame {
        flags = sack.wide() ? flags | WIDE_SACK : flags & ~WIDE_SACK;
    }

    /** A data frame with no flag but {@link #DATA}, as the layer's first version sent it. */
    static Frame data(int senderEpoch, int receiverEpoch, int seq, int ack, long sack, ByteBuffer payload) {
        return data(0, senderEpoch, receiverEpoch, seq, ack, sack, payload);
    }

    /** A data frame; {@code flags} adds {@link #MORE} or {@link #SEGMENTS} to {@link #DATA}. */
    static Frame data(int flags, int senderEpoch, int receiverEpoch, int seq, int ack, long sack, ByteBuffer payload) {
        return data(flags, senderEpoch, receiverEpoch, seq, ack, Sack.of(sack), payload);
    }

    /** A data frame; {@code flags} adds {@link #MORE}, {@link #SEGMENTS} or {@link #READS_WIDE} to {@link #DATA}. */
    static Frame data(int flags, int senderEpoch, int receiverEpoch, int seq, int ack, Sack sack, ByteBuffer payload) {
        return new Frame(DATA | flags, senderEpoch, receiverEpoch, seq, ack, sack, payload);
    }

    /** A pure acknowledgement with no flag, as the layer's first version sent it. */
    static Frame ack(int senderEpoch, int receiverEpoch, int ack, long sack) {
        return ack(0, senderEpoch, receiverEpoch, ack, sack);
    }

    /** A pure acknowledgement; {@code flags} is {@link #SEGMENTS} or 0. */
    static Frame ack(int flags, int senderEpoch, int receiverEpoch, int ack, long sack) {
        return ack(flags, senderEpoch, receiverEpoch, ack, Sack.of(sack));
    }

    /** A pure acknowledgement; {@code flags} combines {@link #SEGMENTS} and {@link #READS_WIDE}. */
    static Frame ack(int flags, int senderEpoch, int receiverEpoch, int ack, Sack sack) {
        return new Frame(flags, senderEpoch, receiverEpoch, 0, ack, sack, EMPTY);
    }

    /** A reset: "I, at {@code senderEpoch}, do not know your epoch {@code unknownEpoch}". */
    static Frame reset(int senderEpoch, int unknownEpoch) {
        return new Frame(RESET, senderEpoch, unknownEpoch, 0, 0, Sack.NONE, EMPTY);
    }

    /** Whether a transport message is a frame of this layer rather than a plain message. */
    static boolean isFrame(ByteBuffer message) {
        return message.hasRemaining() && message.get(message.position()) == TYPE;
    }

    boolean hasData() {
        return (flags & DATA) != 0;
    }

    /** Whether more segments of this frame's message follow. */
    boolean hasMore() {
        return (flags & MORE) != 0;
    }

    /** Whether the sender joins segments: it announces that it may be sent messages in several frames. */
    boolean joinsSegments() {
        return (flags & SEGMENTS) != 0;
    }

    /** Whether the sender reads wide SACKs: it announces that acknowledgements to it may reach past 64 messages. */
    boolean readsWide() {
        return (flags & READS_WIDE) != 0;
    }

    boolean isReset() {
        return (flags & RESET) != 0;
    }

    /** The frame's bytes in a new read-only buffer. */
    ByteBuffer encode() {
        ByteBuffer content = payload.duplicate();
        ByteBuffer out = ByteBuffer.allocate(headerLength() + content.remaining());
        putHeader(out).put(content);
        return out.flip().asReadOnlyBuffer();
    }

    /** The frame in two parts: its header in a new read-only buffer, then its payload, not copied. */
    Transmission transmission() {
        ByteBuffer header = putHeader(ByteBuffer.allocate(headerLength())).flip().asReadOnlyBuffer();
        return new Transmission(header, payload);
    }

    /** The bytes before the payload: the header, and the wide SACK's if there is one. */
    int headerLength() {
        return HEADER + (sack.wide() ? 1 + Long.BYTES * (sack.words() - 1) : 0);
    }

    private ByteBuffer putHeader(ByteBuffer out) {
        out.put(TYPE).put((byte) flags).putInt(senderEpoch).putInt(receiverEpoch).putInt(seq).putInt(ack).putLong(sack.first());
        if (sack.wide()) {
            out.put((byte) (sack.words() - 1));
            for (int j = 1; j < sack.words(); j++) {
                out.putLong(sack.word(j));
            }
        }
        return out;
    }

    /**
     * Reads a frame, the bytes from the buffer's position to its limit (which are not moved).
     * The payload is a read-only view of {@code bytes}, not a copy.
     *
     * @throws IllegalArgumentException if the message is not a well-formed frame
     */
    static Frame decode(ByteBuffer bytes) {
        if (!isFrame(bytes)) {
            throw new IllegalArgumentException("not a frame: the type byte is not 7E");
        }
        if (bytes.remaining() < HEADER) {
            throw new IllegalArgumentException("a frame of " + bytes.remaining() + " bytes, shorter than its " + HEADER + "-byte header");
        }
        ByteBuffer in = bytes.slice();
        in.get();
        int flags = in.get() & 0xFF;
        int senderEpoch = in.getInt();
        if (senderEpoch == 0) {
            throw new IllegalArgumentException("a frame with sender epoch 0");
        }
        int receiverEpoch = in.getInt();
        int seq = in.getInt();
        int ack = in.getInt();
        Sack sack = (flags & WIDE_SACK) != 0 ? readWide(in.getLong(), in) : Sack.of(in.getLong());
        ByteBuffer payload = in.slice().asReadOnlyBuffer();
        if ((flags & DATA) == 0 && payload.hasRemaining()) {
            throw new IllegalArgumentException("a frame without the data flag but with " + payload.remaining() + " payload bytes");
        }
        if ((flags & (DATA | MORE)) == MORE) {
            throw new IllegalArgumentException("a frame with the more-segments flag but without the data flag");
        }
        return new Frame(flags, senderEpoch, receiverEpoch, seq, ack, sack, payload);
    }

    private static Sack readWide(long first, ByteBuffer in) {
        int further = in.hasRemaining() ? in.get() & 0xFF : 0;
        if (further == 0 || in.remaining() < further * Long.BYTES) {
            throw new IllegalArgumentException("a frame with the wide-SACK flag but without the " + (further == 0 ? "count" : further + " words") + " it needs");
        }
        long[] words = new long[1 + further];
        words[0] = first;
        for (int j = 1; j <= further; j++) {
            words[j] = in.getLong();
        }
        return Sack.ofWords(words);
    }

    /** Upper-case hex of the header fields, for logs. */
    @Override
    public String toString() {
        HexFormat hex = HexFormat.of().withUpperCase();
        return "Frame[flags " + hex.toHexDigits((byte) flags) + ", epochs " + hex.toHexDigits(senderEpoch) + "/"
                + hex.toHexDigits(receiverEpoch) + ", seq " + Integer.toUnsignedString(seq) + ", ack " + Integer.toUnsignedString(ack)
                + ", sack " + sack + ", " + payload.remaining() + " payload bytes]";
    }
}
