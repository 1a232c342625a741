package org.ministreaming.transport.reliable;

/**
 * What {@link Peer#planSend} decided for one message. Immutable.
 *
 * @param kind what to do
 * @param bytes what to send, for {@link Kind#PLAIN} and {@link Kind#FRAME}
 * @param reason why a reply was dropped, for {@link Kind#FULL}
 */
record SendPlan(Kind kind, Transmission bytes, String reason) {

    /** The plan for a peer the transport forgot meanwhile. */
    static final SendPlan RETIRED = new SendPlan(Kind.RETIRED, null, null);

    enum Kind {
        /** Send {@code bytes} as they are: the peer is plain. */
        PLAIN,
        /** Send {@code bytes}, which carry a numbered message: a frame, or a probe ({@link Probe}). */
        FRAME,
        /** The message waits beyond the window; nothing to send now. */
        QUEUED,
        /** A reply found the window and its allowance full: it is dropped, for {@code reason}. */
        FULL,
        /** The transport forgot the peer meanwhile: look it up again. */
        RETIRED
    }
}
