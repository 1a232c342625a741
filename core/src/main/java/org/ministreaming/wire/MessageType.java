package org.ministreaming.wire;

/**
 * The message types of the ministreaming protocol, each carrying its type byte.
 *
 * <p>Client-to-server types live in {@code A0..AF}, server-to-client types in {@code 50..5F};
 * only the ones below are defined. {@code FF} is chaff, ignored on receipt. The
 * {@linkplain #isExtension() extension} types belong to this implementation's credit extension
 * (see {@link CreditExtension}) and are sent only to peers that agreed to it. Immutable and
 * thread-safe.
 */
public enum MessageType {
    /** {@code A0}: data from client to server; id is the server id. */
    CLIENT_DATA(0xA0, Direction.CLIENT_TO_SERVER, "data"),
    /** {@code A1}: connection request; id is the client id, payload the client's destination. */
    SYN(0xA1, Direction.CLIENT_TO_SERVER, "SYN"),
    /** {@code A2}: client closes; id is the server id. */
    CLIENT_CLOSE(0xA2, Direction.CLIENT_TO_SERVER, "close"),
    /** {@code 50}: data from server to client; id is the client id. */
    SERVER_DATA(0x50, Direction.SERVER_TO_CLIENT, "data"),
    /** {@code 51}: connection accepted; id is the client id, payload the 3-byte server id. */
    ACK(0x51, Direction.SERVER_TO_CLIENT, "ACK"),
    /** {@code 52}: server closes or refuses; id is the client id. */
    SERVER_CLOSE(0x52, Direction.SERVER_TO_CLIENT, "close"),
    /** {@code A3}, extension: the client grants the server more credit; id is the server id. */
    CLIENT_CREDIT(0xA3, Direction.CLIENT_TO_SERVER, "credit"),
    /** {@code 53}, extension: the server grants the client more credit; id is the client id. */
    SERVER_CREDIT(0x53, Direction.SERVER_TO_CLIENT, "credit"),
    /** {@code A4}, extension: a ping from either side; id is the ping's own id. */
    PING(0xA4, Direction.CLIENT_TO_SERVER, "ping"),
    /** {@code 54}, extension: the answer to a ping, echoing its id and token. */
    PONG(0x54, Direction.SERVER_TO_CLIENT, "pong"),
    /** {@code FF}: chaff, any length, ignored on receipt. */
    CHAFF(0xFF, Direction.EITHER, "chaff");

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Direction direction;
    private final String label;

    MessageType(int code, Direction direction, String label) {
        this.code = code;
        this.direction = direction;
        this.label = label;
    }

    /** The type byte, 0..255. */
    public int code() {
        return code;
    }

    /** The direction messages of this type travel in. */
    public Direction direction() {
        return direction;
    }

    /** Whether this type belongs to the credit extension rather than the original protocol. */
    public boolean isExtension() {
        return this == CLIENT_CREDIT || this == SERVER_CREDIT || this == PING || this == PONG;
    }

    /** A short human label, as used in trace comments ("SYN", "data", ...). */
    public String label() {
        return label;
    }

    /**
     * The type for a type byte.
     *
     * @param code the type byte, any value (only the low 8 bits count)
     * @return the type, or {@code null} when the byte names no defined type
     */
    public static MessageType fromCode(int code) {
        return BY_CODE[code & 0xFF];
    }

    /** Whether a type byte lies in the client-to-server range {@code A0..AF}. */
    public static boolean isClientToServerRange(int code) {
        return (code & 0xF0) == 0xA0;
    }

    /** Whether a type byte lies in the server-to-client range {@code 50..5F}. */
    public static boolean isServerToClientRange(int code) {
        return (code & 0xF0) == 0x50;
    }

    /**
     * Whether a message starting with this type byte is a plain one, as the original sends them:
     * a type byte in either range, or chaff's {@code FF}. A transport that carries other messages
     * (the reliable layer's frames) differently tells them apart by this.
     */
    public static boolean isPlain(int code) {
        return isClientToServerRange(code) || isServerToClientRange(code) || (code & 0xFF) == CHAFF.code;
    }
}
