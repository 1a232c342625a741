package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;

/**
 * The form in which an opening message (a SYN) travels to a peer not yet heard from: the plain
 * message as the original implementation expects it, with this layer's offer after it. The
 * original reads the SYN's destination and ignores what follows, so it answers in plain; a peer
 * of ours takes the trailer for the frame header it stands for and answers in frames. See
 * protocol.md, "Reliable delivery layer", "Plain peers".
 *
 * <pre>
 *  0..n-1   the plain message, as the layer above gave it
 *  n..n+3   "MSRD" (4D 53 52 44): marks the offer
 *  n+4      version 01
 *  n+5..n+8 the sender's epoch, never 0
 *  n+9..n+12 the message's sequence number
 * </pre>
 *
 * A probe stands for the data frame {@code (sender epoch, receiver epoch 0, seq, no ack)} carrying
 * the plain message, and is retransmitted, acknowledged and deduplicated like one.
 *
 * <p>Stateless and thread-safe.
 */
final class Probe {

    /** The trailer's length. */
    static final int TRAILER = 13;
    private static final int MARKER = 0x4D535244;
    private static final byte VERSION = 1;
    /** The shortest message a probe carries: a ministreaming header. */
    private static final int SHORTEST_MESSAGE = 4;

    private Probe() {
    }

    /** The probe for {@code message}, numbered {@code seq} under {@code epoch}, in a new read-only buffer. */
    static ByteBuffer encode(ByteBuffer message, int epoch, int seq) {
        ByteBuffer content = message.duplicate();
        ByteBuffer out = ByteBuffer.allocate(content.remaining() + TRAILER);
        out.put(content).putInt(MARKER).put(VERSION).putInt(epoch).putInt(seq);
        return out.flip().asReadOnlyBuffer();
    }

    /**
     * The frame a plain message stands for, if it ends with a valid trailer. The buffer's
     * position and limit are not moved.
     *
     * @return a data frame whose payload is the message without the trailer (a view), or
     *     {@code null} for a plain message without one
     */
    static Frame decode(ByteBuffer message) {
        int end = message.remaining() - TRAILER;
        if (end < SHORTEST_MESSAGE) {
            return null;
        }
        // Absolute reads: every plain message passes here on the receive path, so nothing is allocated
        // until the trailer is found.
        int at = message.position() + end;
        if (message.getInt(at) != MARKER || message.get(at + 4) != VERSION) {
            return null;
        }
        int epoch = message.getInt(at + 5);
        int seq = message.getInt(at + 9);
        if (epoch == 0) {
            return null;
        }
        ByteBuffer payload = message.slice(message.position(), end).asReadOnlyBuffer();
        return Frame.data(epoch, 0, seq, 0, 0, payload);
    }
}
