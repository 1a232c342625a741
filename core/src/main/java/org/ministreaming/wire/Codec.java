package org.ministreaming.wire;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Decodes transport messages into {@link Packet}s. Stateless; encoding is
 * {@link Packet#encoded()}.
 *
 * <pre>
 *  0        1        2        3        4 ...
 * +--------+--------+--------+--------+----------------
 * |  type  |        connection id     |  payload
 * +--------+--------+--------+--------+----------------
 * </pre>
 *
 * <p>A first byte of {@code FF} is chaff at any length. Otherwise the message needs the 4-byte
 * header, a defined type and a non-zero id; an ACK's payload must be a non-zero 3-byte server
 * id, alone or followed by a {@link CreditExtension} trailer; a credit message carries a 4-byte
 * increment of at least 1, a ping or pong an 8-byte token. Thread-safe.
 */
public final class Codec {

    private Codec() {
    }

    /**
     * Decodes one message. The returned packet keeps {@code bytes} as its encoded form instead
     * of copying it, so the caller hands the array over and must not change it afterwards.
     *
     * @param bytes one whole transport message
     * @return the message or chaff
     * @throws MalformedMessageException for any other input; nothing else is ever thrown,
     *     except a {@code NullPointerException} for a {@code null} array
     */
    public static Packet decode(byte[] bytes) throws MalformedMessageException {
        return decode(ByteBuffer.wrap(bytes));
    }

    /**
     * Decodes one message, the bytes from the buffer's position to its limit. The returned
     * packet keeps a read-only view of them instead of a copy, so the caller hands them over and
     * must not change them afterwards. The buffer's position and limit are not moved.
     *
     * @param bytes one whole transport message
     * @return the message or chaff
     * @throws MalformedMessageException for any other input; nothing else is ever thrown,
     *     except a {@code NullPointerException} for a {@code null} buffer
     */
    public static Packet decode(ByteBuffer bytes) throws MalformedMessageException {
        ByteBuffer wire = bytes.slice().asReadOnlyBuffer();
        int length = wire.limit();
        if (length >= 1 && (wire.get(0) & 0xFF) == MessageType.CHAFF.code()) {
            return Chaff.wrap(wire);
        }
        if (length < Message.HEADER_LENGTH) {
            throw new MalformedMessageException(MalformedMessageException.Reason.TOO_SHORT,
                    "a message needs at least " + Message.HEADER_LENGTH + " bytes, got " + length);
        }
        MessageType type = MessageType.fromCode(wire.get(0));
        if (type == null) {
            throw new MalformedMessageException(MalformedMessageException.Reason.UNKNOWN_TYPE,
                    String.format("type byte %02X is not a defined message type", wire.get(0) & 0xFF));
        }
        int id = ConnectionId.readRaw(wire, 1);
        if (id == 0) {
            throw new MalformedMessageException(MalformedMessageException.Reason.ZERO_ID,
                    "connection id 00 00 00 is reserved, in a " + type + " message");
        }
        Optional<MalformedMessageException> problem = checkPayload(type, wire);
        if (problem.isPresent()) {
            throw problem.get();
        }
        return Message.wrap(wire, type, new ConnectionId(id));
    }

    /** The defect of an encoded message's payload, for the types whose payload has a form. */
    static Optional<MalformedMessageException> checkPayload(MessageType type, ByteBuffer wire) {
        int length = wire.limit() - Message.HEADER_LENGTH;
        switch (type) {
            case ACK:
                if (length != ConnectionId.LENGTH && !(length == ConnectionId.LENGTH + CreditExtension.TRAILER_LENGTH
                        && CreditExtension.windowAtEnd(wire, Message.HEADER_LENGTH + ConnectionId.LENGTH).isPresent())) {
                    return bad(MalformedMessageException.Reason.BAD_ACK_PAYLOAD, "an ACK carries the 3-byte server id,"
                            + " alone or followed by a credit trailer, got " + length + " payload bytes");
                }
                if (ConnectionId.readRaw(wire, Message.HEADER_LENGTH) == 0) {
                    return bad(MalformedMessageException.Reason.BAD_ACK_PAYLOAD, "an ACK's server id must not be 00 00 00");
                }
                return Optional.empty();
            case CLIENT_CREDIT:
            case SERVER_CREDIT:
                if (length != Integer.BYTES || wire.getInt(Message.HEADER_LENGTH) < 1) {
                    return bad(MalformedMessageException.Reason.BAD_EXTENSION_PAYLOAD,
                            "a credit message carries a 4-byte increment of 1 to 2^31-1, got " + length + " payload bytes");
                }
                return Optional.empty();
            case PING:
            case PONG:
                if (length != Long.BYTES) {
                    return bad(MalformedMessageException.Reason.BAD_EXTENSION_PAYLOAD,
                            "a " + type.label() + " carries an 8-byte token, got " + length + " payload bytes");
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }

    private static Optional<MalformedMessageException> bad(MalformedMessageException.Reason reason, String detail) {
        return Optional.of(new MalformedMessageException(reason, detail));
    }
}
