package org.ministreaming.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One protocol message: {@code type(1) | id(3) | payload}.
 *
 * <p>An immutable value, see {@link Packet}. Every factory validates its arguments; a
 * {@code Message} always encodes to something {@link Codec#decode} accepts. Thread-safe.
 */
public final class Message extends Packet {

    /** Bytes before the payload: the type and the 3-byte id. */
    public static final int HEADER_LENGTH = 1 + ConnectionId.LENGTH;

    private final MessageType type;
    private final ConnectionId id;

    private Message(byte[] wire, MessageType type, ConnectionId id) {
        super(wire);
        this.type = type;
        this.id = id;
    }

    /**
     * A message of any defined type except chaff, copying the payload.
     *
     * @param type the type, not {@link MessageType#CHAFF}
     * @param id the connection id the type calls for
     * @param payload the payload; for an ACK exactly the 3 bytes of a valid server id
     * @return the message
     * @throws IllegalArgumentException if the type is chaff or an ACK payload is not a valid id
     */
    public static Message of(MessageType type, ConnectionId id, byte[] payload) {
        return of(type, id, payload, 0, payload.length);
    }

    /**
     * A message of any defined type except chaff, copying {@code length} payload bytes from
     * {@code source} at {@code offset}.
     *
     * @param type the type, not {@link MessageType#CHAFF}
     * @param id the connection id the type calls for
     * @param source where the payload comes from
     * @param offset first payload byte in {@code source}
     * @param length number of payload bytes
     * @return the message
     * @throws IllegalArgumentException if the type is chaff or an ACK payload is not a valid id
     * @throws IndexOutOfBoundsException if the range is outside {@code source}
     */
    public static Message of(MessageType type, ConnectionId id, byte[] source, int offset, int length) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.checkFromIndexSize(offset, length, source.length);
        if (type == MessageType.CHAFF) {
            throw new IllegalArgumentException("chaff has no connection id; use Chaff.of");
        }
        byte[] wire = new byte[HEADER_LENGTH + length];
        wire[0] = (byte) type.code();
        id.writeTo(wire, 1);
        System.arraycopy(source, offset, wire, HEADER_LENGTH, length);
        if (type == MessageType.ACK) {
            Codec.checkAckPayload(wire).ifPresent(problem -> {
                throw new IllegalArgumentException(problem.getMessage());
            });
        }
        return new Message(wire, type, id);
    }

    /** {@code A1 | clientId | destination}: the client asks for a connection. */
    public static Message syn(ConnectionId clientId, byte[] clientDestination) {
        return of(MessageType.SYN, clientId, clientDestination);
    }

    /** {@code 51 | clientId | serverId}: the server accepts (7 bytes). */
    public static Message ack(ConnectionId clientId, ConnectionId serverId) {
        byte[] payload = new byte[ConnectionId.LENGTH];
        serverId.writeTo(payload, 0);
        return of(MessageType.ACK, clientId, payload);
    }

    /** {@code A2 | serverId}: the client closes (4 bytes). */
    public static Message clientClose(ConnectionId serverId) {
        return of(MessageType.CLIENT_CLOSE, serverId, new byte[0]);
    }

    /** {@code 52 | clientId}: the server closes or refuses (4 bytes). */
    public static Message serverClose(ConnectionId clientId) {
        return of(MessageType.SERVER_CLOSE, clientId, new byte[0]);
    }

    /** Wraps bytes the codec has validated; the array becomes this message's. */
    static Message wrap(byte[] wire, MessageType type, ConnectionId id) {
        return new Message(wire, type, id);
    }

    @Override
    public MessageType type() {
        return type;
    }

    @Override
    int headerLength() {
        return HEADER_LENGTH;
    }

    /** The connection id in the header: the client's for {@code 5x} and SYN, else the server's. */
    public ConnectionId id() {
        return id;
    }

    /** A copy of the payload. */
    public byte[] payloadBytes() {
        return Arrays.copyOfRange(wire, HEADER_LENGTH, wire.length);
    }

    /**
     * The server id an ACK carries.
     *
     * @throws IllegalStateException if this is not an ACK
     */
    public ConnectionId ackedServerId() {
        if (type != MessageType.ACK) {
            throw new IllegalStateException("not an ACK: " + type);
        }
        return new ConnectionId(ConnectionId.readRaw(wire, HEADER_LENGTH));
    }
}
