package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.i2p.crypto.DSAEngine;
import net.i2p.crypto.SigType;
import net.i2p.data.Hash;
import net.i2p.data.Signature;
import net.i2p.data.SigningPrivateKey;

/**
 * The signed hello of the handshake (envelope kind {@value Envelope#HELLO}), which proves its
 * sender and carries a frame, docs/protocol.md §15:
 *
 * <pre>
 *  0        02     kind: hello
 *  1        01     handshake version ({@value #VERSION})
 *  2..9     time   the sender's clock, milliseconds since 1970
 *  10..17   nonce  random, never twice
 *  18..25   id     the session id the sender receives with from this recipient, never 0
 *  26..33   echo   the recipient's session id as the sender knows it, 0 if none
 *  34..65   hash   the SHA-256 hash of the recipient's destination
 *  66..n-1         the sender's destination, I2P's byte form
 *  n..m-1          the frame
 *  m..end          the signature over bytes 0..m-1, with the sender's destination's signing key
 * </pre>
 *
 * The signature's length follows from the sender's signature type (64 bytes for Ed25519, 40 for
 * DSA_SHA1). Stateless and thread-safe.
 *
 * @param time the sender's clock, milliseconds since 1970
 * @param nonce random
 * @param senderId the session id the sender receives with
 * @param echo the recipient's session id as the sender knows it, 0 if none
 * @param recipient the hash of the recipient's destination
 * @param sender the sender's destination
 * @param frame where the frame is in the sealed bytes: a read-only view or copy
 */
record Hello(long time, long nonce, long senderId, long echo, Hash recipient, net.i2p.data.Destination sender, ByteBuffer frame) {

    /** The handshake's version, in every hello. */
    static final byte VERSION = 1;
    /** Bytes before the sender's destination. */
    static final int FIXED = 66;

    /**
     * The hello's bytes, signed.
     *
     * @param sender the sender's destination in I2P's byte form
     * @param key the sender's signing key
     * @param header the frame's first part, left unchanged
     * @param payload the frame's second part, left unchanged
     * @return the sealed hello
     * @throws IOException if I2P's library cannot sign with {@code key}
     */
    static byte[] seal(long time, long nonce, long senderId, long echo, Hash recipient, byte[] sender, SigningPrivateKey key,
            ByteBuffer header, ByteBuffer payload) throws IOException {
        int frameAt = FIXED + sender.length;
        int signedLength = frameAt + header.remaining() + payload.remaining();
        byte[] sealed = new byte[signedLength + key.getType().getSigLen()];
        ByteBuffer out = ByteBuffer.wrap(sealed);
        out.put(Envelope.HELLO).put(VERSION).putLong(time).putLong(nonce).putLong(senderId).putLong(echo).put(recipient.getData()).put(sender);
        out.put(header.duplicate()).put(payload.duplicate());
        Signature signature = DSAEngine.getInstance().sign(sealed, 0, signedLength, key);
        if (signature == null) {
            throw new IOException("I2P's library could not sign a hello with a key of type " + key.getType());
        }
        out.put(signature.getData());
        return sealed;
    }

    /**
     * Reads a hello and checks its signature; time, recipient and nonce are the caller's to check.
     *
     * @throws RefusedEnvelope if it is malformed ({@link EnvelopeCounter#MALFORMED}) or its signature does
     *     not verify with the destination it names ({@link EnvelopeCounter#BAD_SIGNATURE})
     */
    static Hello open(byte[] sealed) throws RefusedEnvelope {
        if (sealed.length < FIXED || sealed[0] != Envelope.HELLO) {
            throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, "a hello of " + sealed.length + " bytes is too short");
        }
        if (sealed[1] != VERSION) {
            throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, String.format("a hello of version %02X, not %02X", sealed[1], VERSION));
        }
        ByteBuffer in = ByteBuffer.wrap(sealed, 2, FIXED - 2);
        long time = in.getLong();
        long nonce = in.getLong();
        long senderId = in.getLong();
        long echo = in.getLong();
        byte[] hash = new byte[Hash.HASH_LENGTH];
        in.get(hash);
        net.i2p.data.Destination sender;
        try {
            sender = I2pDestinations.read(sealed, FIXED);
        } catch (IOException e) {
            throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, "a hello without a sender: " + e.getMessage());
        }
        SigType type = sender.getSigningPublicKey().getType();
        int frameAt = FIXED + sender.size();
        int signedLength = sealed.length - (type == null ? 0 : type.getSigLen());
        if (type == null || signedLength <= frameAt || senderId == 0) {
            throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, "a hello without a frame, signature or session id");
        }
        if (!verifies(sealed, signedLength, type, sender)) {
            throw new RefusedEnvelope(EnvelopeCounter.BAD_SIGNATURE, "a hello whose signature does not verify for " + sender.toBase32());
        }
        return new Hello(time, nonce, senderId, echo, new Hash(hash), sender, Envelope.message(sealed, frameAt, signedLength));
    }

    /** Whether the signature after the first {@code signedLength} bytes is the sender's over them. */
    private static boolean verifies(byte[] sealed, int signedLength, SigType type, net.i2p.data.Destination sender) {
        Signature signature = new Signature(type, Arrays.copyOfRange(sealed, signedLength, sealed.length));
        try {
            return DSAEngine.getInstance().verifySignature(signature, sealed, 0, signedLength, sender.getSigningPublicKey());
        } catch (RuntimeException unsupported) {
            // A signature type this JVM cannot check, or a key I2P's library refuses to use.
            return false;
        }
    }
}
