package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link ReliableTransport} has to do after a {@link Peer} took an arrival or ran its
 * timer. Not thread-safe: filled under the peer's lock, then read by the one thread that asked.
 */
final class Actions {
    /** Frames (or the {@code FF} hint) to send to the peer, in order. */
    final List<Transmission> send = new ArrayList<>();
    /** Messages to hand to the receiver above, in order. */
    final List<ByteBuffer> deliver = new ArrayList<>();
    /** If set, the peer was lost or started afresh for this reason; {@link Peer#takeLoss} has the notice. */
    String lost;
    /** Whether to send an acknowledgement once the deliveries are done, if none went out meanwhile. */
    boolean ackNow;
    /** Whether nothing is left unacknowledged: a closing transport may stop waiting. */
    boolean drained;

    /** Only {@code frame} to send. */
    static Actions sending(Transmission frame) {
        Actions actions = new Actions();
        actions.send.add(frame);
        return actions;
    }
}
