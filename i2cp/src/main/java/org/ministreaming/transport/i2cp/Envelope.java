package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How messages between two endpoints of this library travel over I2CP, which does not tell a
 * receiver who sent a message: in an envelope whose first byte is its kind. I2CP protocol
 * {@link #PROTOCOL} marks it, so it cannot be taken for a plain message (protocol 0). The kinds
 * (docs/protocol.md §15):
 *
 * <pre>
 *  01 | the sender's destination | message        named: the version before, the sender unproven
 *  02 | ... (see {@link Hello})                   hello: signed, proves the sender, carries a message
 *  03 | the recipient's session id (8) | message  compact: after the handshake
 * </pre>
 *
 * This class reads and writes kinds 01 and 03; {@link Handshake} decides which to send and what
 * to believe. Stateless and thread-safe.
 */
final class Envelope {

    /** The I2CP protocol number of enveloped messages (I2P uses 6 for streaming, 17-20 for datagrams). */
    static final int PROTOCOL = 77;
    /** Kind 01, named: the full destination of the sender follows, unsigned (the version before). */
    static final byte FULL_DESTINATION = 0x01;
    /** Kind 02: a signed {@link Hello}. */
    static final byte HELLO = 0x02;
    /** Kind 03, compact: the session id the recipient gave the sender follows. */
    static final byte COMPACT = 0x03;
    /** The bytes of a compact envelope before its message: the kind and the session id. */
    static final int COMPACT_OVERHEAD = 1 + Long.BYTES;
    /**
     * The I2CP source port of every envelope this version sends: the handshake version. The
     * version before sent port 0 and ignores ports, so a named envelope with this port comes from
     * a peer that speaks the handshake.
     */
    static final int PORT = Hello.VERSION;

    /** The I2CP source port of a message sent with I2CP protocol {@code protocol}: {@link #PORT} for envelopes, 0 for plain messages. */
    static int sourcePort(int protocol) {
        return protocol == PROTOCOL ? PORT : 0;
    }
    /** How many times longer than its envelope a message must be to be handed on as a view rather than a copy. */
    static final int VIEW_RATIO = 8;

    /**
     * A message with its sender.
     *
     * @param message the message, read-only: a view into the envelope, or a copy of a short one
     */
    record Opened(net.i2p.data.Destination sender, ByteBuffer message) {
    }

    private Envelope() {
    }

    /**
     * The bytes to send: the envelope around the message made of {@code header} and then
     * {@code payload}, copied once; both buffers are left unchanged.
     */
    static byte[] seal(byte[] sender, ByteBuffer header, ByteBuffer payload) {
        int at = 1 + sender.length;
        byte[] sealed = new byte[at + header.remaining() + payload.remaining()];
        sealed[0] = FULL_DESTINATION;
        System.arraycopy(sender, 0, sealed, 1, sender.length);
        header.duplicate().get(sealed, at, header.remaining());
        payload.duplicate().get(sealed, at + header.remaining(), payload.remaining());
        return sealed;
    }

    /**
     * The bytes of a compact envelope around the message made of {@code header} and then
     * {@code payload}, copied once; both buffers are left unchanged.
     */
    static byte[] sealCompact(long sessionId, ByteBuffer header, ByteBuffer payload) {
        byte[] sealed = new byte[COMPACT_OVERHEAD + header.remaining() + payload.remaining()];
        ByteBuffer.wrap(sealed).put(COMPACT).putLong(sessionId).put(header.duplicate()).put(payload.duplicate());
        return sealed;
    }

    /**
     * The session id of a compact envelope.
     *
     * @throws IOException if it is not one, or carries no message
     */
    static long compactId(byte[] sealed) throws IOException {
        if (sealed.length <= COMPACT_OVERHEAD || sealed[0] != COMPACT) {
            throw new IOException("not a compact envelope with a message: " + sealed.length + " bytes");
        }
        return ByteBuffer.wrap(sealed, 1, Long.BYTES).getLong();
    }

    /** The message of a compact envelope; see {@link #message}. */
    static ByteBuffer compactMessage(byte[] sealed) {
        return message(sealed, COMPACT_OVERHEAD, sealed.length);
    }

    /**
     * Opens a named envelope. A message at least {@value #VIEW_RATIO} times as long as the envelope
     * around it stays where it is, in {@code sealed}, and the message is a view of it; a shorter
     * one is copied out, so that a receiver keeping it does not keep the sender's destination
     * (some 400 bytes) alive with it, beyond what the receive budget charges for a message.
     *
     * @throws IOException if it is not one
     */
    static Opened open(byte[] sealed) throws IOException {
        if (sealed.length < 1 || sealed[0] != FULL_DESTINATION) {
            throw new IOException("not an envelope: " + (sealed.length == 0 ? "empty" : String.format("kind %02X", sealed[0])));
        }
        net.i2p.data.Destination sender = I2pDestinations.read(sealed, 1);
        return new Opened(sender, message(sealed, 1 + sender.size(), sealed.length));
    }

    /**
     * The message at {@code start..end} of an envelope, read-only: a view if it is at least
     * {@value #VIEW_RATIO} times as long as the rest of the envelope, otherwise a copy.
     */
    static ByteBuffer message(byte[] sealed, int start, int end) {
        int length = end - start;
        if (length < VIEW_RATIO * (sealed.length - length)) {
            return ByteBuffer.wrap(Arrays.copyOfRange(sealed, start, end)).asReadOnlyBuffer();
        }
        return ByteBuffer.wrap(sealed, start, length).slice().asReadOnlyBuffer();
    }
}
