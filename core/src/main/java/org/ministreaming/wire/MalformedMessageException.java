package org.ministreaming.wire;

/**
 * Bytes that are not a valid ministreaming message. The only exception {@link Codec#decode}
 * throws, whatever the input.
 *
 * <p>Immutable once thrown.
 */
public final class MalformedMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Reason {
        /** Fewer than the 4 header bytes (and not chaff). */
        TOO_SHORT,
        /** The connection id was {@code 00 00 00}. */
        ZERO_ID,
        /** The type byte names no defined type. */
        UNKNOWN_TYPE,
        /** An ACK whose payload is not a non-zero 3-byte server id, alone or with a credit trailer. */
        BAD_ACK_PAYLOAD,
        /** A credit, ping or pong message whose payload has the wrong length or value. */
        BAD_EXTENSION_PAYLOAD
    }

    /** The class of defect, for {@link #reason()}. */
    private final Reason reason;

    /**
     * @param reason the class of defect
     * @param detail what was expected and what came
     */
    public MalformedMessageException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** The class of defect. */
    public Reason reason() {
        return reason;
    }
}
