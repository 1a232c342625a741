package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How messages between two endpoints of this library travel over I2CP, which does not tell a
 * receiver who sent a message: in an envelope that names the sender. I2CP protocol
 * {@link #PROTOCOL} marks it, so it cannot be taken for a plain message (protocol 0).
 *
 * <pre>
 *  0      kind 01: the sender's full destination follows
 *  1..n   the sender's I2P destination in I2P's byte form (its certificate gives its length)
 *  n+1..  the message
 * </pre>
 *
 * The sender is named, not proven: I2CP messages are not signed. Stateless and thread-safe.
 */
final class Envelope {

    /** The I2CP protocol number of enveloped messages (I2P uses 6 for streaming, 17-20 for datagrams). */
    static final int PROTOCOL = 77;
    /** The only kind so far: the full destination of the sender follows. */
    static final byte FULL_DESTINATION = 0x01;
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
     * Opens an envelope. A message at least {@value #VIEW_RATIO} times as long as the envelope
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
        int start = 1 + sender.size();
        int length = sealed.length - start;
        if (length < VIEW_RATIO * start) {
            return new Opened(sender, ByteBuffer.wrap(Arrays.copyOfRange(sealed, start, sealed.length)).asReadOnlyBuffer());
        }
        return new Opened(sender, ByteBuffer.wrap(sealed, start, length).slice().asReadOnlyBuffer());
    }
}
