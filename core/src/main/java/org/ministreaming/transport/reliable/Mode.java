package org.ministreaming.transport.reliable;

/** How a {@link ReliableTransport} treats one peer ({@link Peer}). */
enum Mode {
    /** Nothing decided yet; we send frames, and opening messages as probes ({@link Probe}). */
    START_RELIABLE,
    /** Nothing decided yet; we send plain messages (and are plain once we have). */
    START_PLAIN,
    /** We have accepted a frame from the peer. */
    RELIABLE,
    /** The peer sent a plain message, or we did: plain messages both ways. */
    PLAIN
}
