package org.ministreaming.wire;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalInt;

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

    private Message(ByteBuffer wire, MessageType type, ConnectionId id) {
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
        check(type, id, source, offset, length);
        byte[] wire = new byte[HEADER_LENGTH + length];
        // The copy comes straight after the allocation, so that the JIT need not zero the bytes it fills.
        System.arraycopy(source, offset, wire, HEADER_LENGTH, length);
        return laidOut(type, id, wire, readOnly(wire));
    }

    /**
     * As {@link #of(MessageType, ConnectionId, byte[], int, int)}, laid out at the start of
     * {@code into} instead of in a new array: the message is a view of the first
     * {@value #HEADER_LENGTH} + {@code length} bytes of {@code into}, which must not change while
     * the message is in use.
     *
     * @throws IndexOutOfBoundsException if the message does not fit {@code into}, or the range is
     *     outside {@code source}
     */
    public static Message into(byte[] into, MessageType type, ConnectionId id, byte[] source, int offset, int length) {
        check(type, id, source, offset, length);
        Objects.checkFromIndexSize(0, HEADER_LENGTH + length, into.length);
        System.arraycopy(source, offset, into, HEADER_LENGTH, length);
        return laidOut(type, id, into, ByteBuffer.wrap(into, 0, HEADER_LENGTH + length).slice().asReadOnlyBuffer());
    }

    /**
     * The first {@value #HEADER_LENGTH} bytes of every message of {@code type} for {@code id},
     * read-only: for a sender that hands them and the payload to its transport apart, without
     * laying both out in one array. Whether a payload suits the type is the sender's to check.
     *
     * @throws IllegalArgumentException if the type is chaff, which has no connection id
     */
    public static ByteBuffer header(MessageType type, ConnectionId id) {
        byte[] header = new byte[HEADER_LENGTH];
        check(type, id, header, 0, 0);
        writeHeader(type, id, header);
        return ByteBuffer.wrap(header).asReadOnlyBuffer();
    }

    private static void check(MessageType type, ConnectionId id, byte[] source, int offset, int length) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.checkFromIndexSize(offset, length, source.length);
        if (type == MessageType.CHAFF) {
            throw new IllegalArgumentException("chaff has no connection id; use Chaff.of");
        }
    }

    /** Writes the header into {@code wire}, whose payload is in place, and checks the payload. */
    private static Message laidOut(MessageType type, ConnectionId id, byte[] wire, ByteBuffer encoded) {
        writeHeader(type, id, wire);
        Codec.checkPayload(type, encoded).ifPresent(problem -> {
            throw new IllegalArgumentException(problem.getMessage());
        });
        return new Message(encoded, type, id);
    }

    /** Writes the type and the connection id, the first {@value #HEADER_LENGTH} bytes, at the start of {@code wire}. */
    private static void writeHeader(MessageType type, ConnectionId id, byte[] wire) {
        wire[0] = (byte) type.code();
        id.writeTo(wire, 1);
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

    /**
     * {@code 51 | clientId | serverId | credit trailer}: the server accepts and agrees to the
     * credit extension, offering {@code window} (16 bytes). Only for a client that offered it.
     */
    public static Message ack(ConnectionId clientId, ConnectionId serverId, int window) {
        byte[] payload = new byte[ConnectionId.LENGTH + CreditExtension.TRAILER_LENGTH];
        serverId.writeTo(payload, 0);
        System.arraycopy(CreditExtension.trailer(window), 0, payload, ConnectionId.LENGTH, CreditExtension.TRAILER_LENGTH);
        return of(MessageType.ACK, clientId, payload);
    }

    /** {@code A3 | serverId | increment}: the client lets the server send {@code increment} more bytes. */
    public static Message clientCredit(ConnectionId serverId, int increment) {
        return credit(MessageType.CLIENT_CREDIT, serverId, increment);
    }

    /** {@code 53 | clientId | increment}: the server lets the client send {@code increment} more bytes. */
    public static Message serverCredit(ConnectionId clientId, int increment) {
        return credit(MessageType.SERVER_CREDIT, clientId, increment);
    }

    private static Message credit(MessageType type, ConnectionId id, int increment) {
        byte[] payload = new byte[Integer.BYTES];
        CreditExtension.writeInt(payload, 0, increment);
        return of(type, id, payload);
    }

    /** {@code A4 | pingId | token}: asks a peer that speaks the extension for a {@link #pong}. */
    public static Message ping(ConnectionId pingId, long token) {
        return of(MessageType.PING, pingId, longBytes(token));
    }

    /** {@code 54 | pingId | token}: the answer to {@code ping}, echoing its id and token. */
    public static Message pong(Message ping) {
        if (ping.type != MessageType.PING) {
            throw new IllegalArgumentException("not a ping: " + ping.type);
        }
        return of(MessageType.PONG, ping.id, longBytes(ping.token()));
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[Long.BYTES];
        CreditExtension.writeInt(bytes, 0, (int) (value >>> 32));
        CreditExtension.writeInt(bytes, 4, (int) value);
        return bytes;
    }

    /** {@code A2 | serverId}: the client closes (4 bytes). */
    public static Message clientClose(ConnectionId serverId) {
        return of(MessageType.CLIENT_CLOSE, serverId, new byte[0]);
    }

    /** {@code 52 | clientId}: the server closes or refuses (4 bytes). */
    public static Message serverClose(ConnectionId clientId) {
        return of(MessageType.SERVER_CLOSE, clientId, new byte[0]);
    }

    /** Wraps bytes the codec has validated; the buffer becomes this message's. */
    static Message wrap(ByteBuffer wire, MessageType type, ConnectionId id) {
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
        byte[] payload = new byte[payloadLength()];
        wire.get(HEADER_LENGTH, payload);
        return payload;
    }

    /** The window an ACK's credit trailer offers, or empty for a plain 7-byte ACK. */
    public OptionalInt ackWindow() {
        requireType(MessageType.ACK);
        return CreditExtension.windowAtEnd(wire, HEADER_LENGTH + ConnectionId.LENGTH);
    }

    /** The increment a credit message grants, 1 to 2^31-1. */
    public int creditIncrement() {
        if (type != MessageType.CLIENT_CREDIT && type != MessageType.SERVER_CREDIT) {
            throw new IllegalStateException("not a credit message: " + type);
        }
        return wire.getInt(HEADER_LENGTH);
    }

    /** The token of a ping or pong. */
    public long token() {
        if (type != MessageType.PING && type != MessageType.PONG) {
            throw new IllegalStateException("not a ping or pong: " + type);
        }
        return wire.getLong(HEADER_LENGTH);
    }

    private void requireType(MessageType expected) {
        if (type != expected) {
            throw new IllegalStateException("not a" + (expected == MessageType.ACK ? "n " : " ") + expected + ": " + type);
        }
    }

    /**
     * The server id an ACK carries.
     *
     * @throws IllegalStateException if this is not an ACK
     */
    public ConnectionId ackedServerId() {
        requireType(MessageType.ACK);
        return new ConnectionId(ConnectionId.readRaw(wire, HEADER_LENGTH));
    }
}
