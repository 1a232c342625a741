package org.ministreaming;

import org.ministreaming.transport.Destination;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Packet;

/**
 * Sees every message an engine sends and receives, for traces and debugging. Called on the
 * thread that sends or on the receive path, so implementations must be quick, must not block
 * and must be thread-safe. Exceptions they throw are logged and otherwise ignored.
 */
public interface MessageListener {

    /** Listens to nothing. */
    MessageListener NONE = new MessageListener() {
    };

    /**
     * A message is being handed to the transport (called just before, so that a trace shows it
     * ahead of the peer's answer).
     *
     * @param to the peer
     * @param packet what was sent: a message, or chaff for a ping to a plain peer
     */
    default void sent(Destination to, Packet packet) {
    }

    /**
     * A message or chaff arrived and decoded.
     *
     * @param from the peer
     * @param packet what arrived
     */
    default void received(Destination from, Packet packet) {
    }

    /**
     * Bytes arrived that are not a message.
     *
     * @param from the peer
     * @param bytes what arrived; do not change
     * @param problem what is wrong with them
     */
    default void malformed(Destination from, byte[] bytes, MalformedMessageException problem) {
    }
}
