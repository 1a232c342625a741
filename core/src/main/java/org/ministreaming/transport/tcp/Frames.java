package org.ministreaming.transport.tcp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The link framing: every frame is a 4-byte big-endian length, 1 to {@value #MAX_LENGTH}, then
 * that many bytes. The first frame each side sends is the hello, {@code MINISTREAMING/1 }
 * followed by the sender's destination or {@code -}; every later frame is one message.
 *
 * <p>A link's writer lays frames out with {@link #put} in a buffer, several to a socket write;
 * its reader finds them in its read buffer with {@link #wholeLength}.
 *
 * <p>Stateless; thread-safe.
 */
final class Frames {

    /** Bytes of the length that starts every frame. */
    static final int LENGTH_BYTES = 4;

    /** Most bytes one frame carries. */
    static final int MAX_LENGTH = 65536;

    /** What every hello starts with, the space included. */
    static final String HELLO_PREFIX = "MINISTREAMING/1 ";

    /** What a hello names instead of a destination when its sender does not listen. */
    static final String NOT_LISTENING = "-";

    /** No bytes: the second part of a message sent in one piece. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Whether a message of {@code size} bytes fits one frame. */
    static boolean fits(int size) {
        return size >= 1 && size <= MAX_LENGTH;
    }

    private static final byte[] PREFIX_BYTES = HELLO_PREFIX.getBytes(StandardCharsets.US_ASCII);
    /** The first byte of a TLS alert record, what a TLS listener sends a peer that does not speak TLS. */
    private static final int TLS_ALERT = 0x15;
    /** The first byte of a TLS handshake record. */
    private static final int TLS_HANDSHAKE = 0x16;

    private Frames() {
    }

    /**
     * The length of the frame whose 4 length bytes start at index {@code from} of {@code in}, if
     * all of it lies before index {@code end}.
     *
     * @return the number of bytes the frame carries after its length, or -1 if {@code in} does not
     *     hold the whole frame before {@code end} (yet)
     * @throws BadPeerException if the length is out of range; when its bytes are printable
     *     ASCII, the message quotes them and asks whether the peer speaks this framing at all,
     *     and when they begin a TLS record, it says so: on a link this side accepted
     *     ({@code inbound}) that the peer dialled this plain listener as {@code tls://}, on one it
     *     dialled that it should dial the peer as {@code tls://}
     */
    static int wholeLength(ByteBuffer in, int from, int end, boolean inbound) throws BadPeerException {
        if (end - from < LENGTH_BYTES) {
            return -1;
        }
        int length = in.getInt(from);
        if (length < 1 || length > MAX_LENGTH) {
            throw new BadPeerException("bad frame length 0x" + String.format("%08X", length)
                    + " (" + Integer.toUnsignedString(length) + "); a frame holds 1 to " + MAX_LENGTH + " bytes" + otherProtocol(length, inbound));
        }
        return end - from - LENGTH_BYTES < length ? -1 : length;
    }

    /**
     * What a bad length says of the protocol the peer speaks instead: TLS when its bytes begin a
     * TLS record (a handshake or an alert, version 3.x), as a plain link dialled to a TLS
     * listener reads, or on an {@code inbound} link as a TLS client that dialled a plain listener
     * sends first; the bytes themselves when they are printable ASCII, such as {@code HTTP} or
     * {@code SSH-}. Empty for other bytes.
     */
    private static String otherProtocol(int length, boolean inbound) {
        int type = length >>> 24;
        if ((type == TLS_ALERT || type == TLS_HANDSHAKE) && (length >>> 16 & 0xFF) == 3) {
            return inbound
                    ? ": the peer speaks TLS: it dialled this plain tcp:// listener as tls://"
                    : ": the peer speaks TLS; dial it as tls://";
        }
        char[] text = new char[LENGTH_BYTES];
        for (int i = 0; i < LENGTH_BYTES; i++) {
            int b = (length >>> (24 - 8 * i)) & 0xFF;
            if (b < 0x20 || b > 0x7E) {
                return "";
            }
            text[i] = (char) b;
        }
        return ": not a ministreaming peer? its bytes read '" + new String(text) + "'";
    }

    /**
     * Whether a frame's length and as many bytes as it says lie at index {@code from} of
     * {@code in} before {@code end}; a length out of range counts too, as the reader fails on it
     * next ({@link #wholeLength}).
     */
    static boolean wholeFrameAt(ByteBuffer in, int from, int end) {
        return end - from >= LENGTH_BYTES && end - from - LENGTH_BYTES >= in.getInt(from);
    }

    /**
     * What the end of a stream means when it leaves {@code held} bytes (at least one) of an
     * unfinished frame at index {@code from} of {@code in}.
     */
    static BadPeerException truncated(ByteBuffer in, int from, int held) {
        if (held < LENGTH_BYTES) {
            return new BadPeerException("truncated frame: the stream ended after " + held + " of the 4 length bytes");
        }
        return new BadPeerException("truncated frame: the stream ended after " + (held - LENGTH_BYTES) + " of " + in.getInt(from) + " bytes");
    }

    /**
     * Puts one frame of two parts into {@code target} at its position, which it moves past the
     * frame: the 4-byte length of both, then the bytes of {@code header} and of {@code payload}
     * (their positions are not moved).
     *
     * @throws IndexOutOfBoundsException if the frame does not fit
     */
    static void put(ByteBuffer target, ByteBuffer header, ByteBuffer payload) {
        put(target, header, payload, payload.position(), payload.remaining());
    }

    /** As {@link #put(ByteBuffer, ByteBuffer, ByteBuffer)}, with the {@code length} bytes of {@code payload} from index {@code from} as the payload. */
    static void put(ByteBuffer target, ByteBuffer header, ByteBuffer payload, int from, int length) {
        int first = header.remaining();
        target.putInt(first + length);
        target.put(target.position(), header, header.position(), first);
        target.position(target.position() + first);
        target.put(target.position(), payload, from, length);
        target.position(target.position() + length);
    }

    /**
     * A hello's bytes.
     *
     * @param destination the sender's destination URI, or {@link #NOT_LISTENING}
     */
    static byte[] hello(String destination) {
        return (HELLO_PREFIX + destination).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What a hello names: a destination URI or {@link #NOT_LISTENING}, not yet checked further.
     *
     * @throws BadPeerException if the frame is not a hello or names nothing printable
     */
    static String parseHello(byte[] frame) throws BadPeerException {
        if (frame.length <= PREFIX_BYTES.length
                || !Arrays.equals(frame, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length)) {
            throw new BadPeerException("the first frame is not a hello (" + HELLO_PREFIX.strip() + " followed by a space and a destination)");
        }
        for (int i = PREFIX_BYTES.length; i < frame.length; i++) {
            if (frame[i] < 0x21 || frame[i] > 0x7E) {
                throw new BadPeerException("the hello's destination holds byte 0x" + String.format("%02X", frame[i] & 0xFF)
                        + "; only printable ASCII without spaces is allowed");
            }
        }
        return new String(frame, PREFIX_BYTES.length, frame.length - PREFIX_BYTES.length, StandardCharsets.US_ASCII);
    }
}
