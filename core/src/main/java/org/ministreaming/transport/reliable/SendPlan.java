package org.ministreaming.transport.reliable;

import java.util.List;

/**
 * What {@link Peer#planSend} decided for one message. Immutable.
 *
 * @param kind what to do
 * @param bytes what to send, in order, for {@link Kind#PLAIN} (one message) and {@link Kind#FRAME}
 *     (one frame, or the frames of a message's segments); empty otherwise
 * @param reason why a reply was dropped, for {@link Kind#FULL}
 */
record SendPlan(Kind kind, List<Transmission> bytes, String reason) {

    /** The plan for a peer the transport forgot meanwhile. */
    static final SendPlan RETIRED = new SendPlan(Kind.RETIRED, List.of(), null);

    /** The plan for a message offered without waiting that found no room in the window. */
    static final SendPlan NO_ROOM = new SendPlan(Kind.NO_ROOM, List.of(), null);

    enum Kind {
        /** Send {@code bytes} as they are: the peer is plain. */
        PLAIN,
        /** Send {@code bytes}, which carry numbered messages: frames, or a probe ({@link Probe}). */
        FRAME,
        /** The message waits beyond the window; nothing to send now. */
        QUEUED,
        /** A reply found the window and its allowance full: it is dropped, for {@code reason}. */
        FULL,
        /** The transport forgot the peer meanwhile: look it up again. */
        RETIRED,
        /** A message offered without waiting found no room in the window: nothing was taken. */
        NO_ROOM
    }
}
