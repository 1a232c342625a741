package org.ministreaming.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The seed's one-line trace notation: an arrow, the type byte, the 3 id bytes and the payload,
 * all as upper-case hex, for example {@code C->S A1 12 34 56 6D 65 6D 3A 61} or
 * {@code S->C 51 23 45 67 98 76 54}. Payloads longer than {@value #SHOWN_PAYLOAD_BYTES} bytes are
 * cut, with {@code ...} right after the last byte shown. Chaff is written with the arrow
 * {@code *->*}, for example {@code *->* FF 00 01}.
 *
 * <p>{@link #parse} reads the notation back; it ignores a trailing comment in parentheses, as the
 * seed writes them ({@code (SYN, client ID = 12 34 56)}). Stateless and thread-safe.
 */
public final class TraceFormat {

    /** Payload bytes shown before a trace line is cut with {@code ...}. */
    public static final int SHOWN_PAYLOAD_BYTES = 16;

    private static final String CUT = "...";

    private TraceFormat() {
    }

    /**
     * One line in the seed's notation.
     *
     * @param packet the message or chaff
     * @return the line, without a comment
     */
    public static String format(Packet packet) {
        ByteBuffer bytes = packet.encoded();
        int shown = Math.min(bytes.remaining(), packet.headerLength() + SHOWN_PAYLOAD_BYTES);
        StringBuilder line = new StringBuilder(packet.type().direction().arrow());
        for (int i = 0; i < shown; i++) {
            line.append(' ').append(String.format("%02X", bytes.get(i) & 0xFF));
        }
        if (shown < bytes.remaining()) {
            line.append(CUT);
        }
        return line.toString();
    }

    /**
     * What a message means, for a trace comment: for example
     * {@code ACK, client id 23 45 67, server id 98 76 54} or {@code data, 1024 bytes}.
     *
     * @param packet the message or chaff
     * @return a short description
     */
    public static String describe(Packet packet) {
        if (!(packet instanceof Message message)) {
            return "chaff, " + packet.payloadLength() + " bytes";
        }
        switch (message.type()) {
            case SYN:
                OptionalInt window = CreditExtension.offeredWindow(message);
                return "SYN, client id " + message.id() + ", "
                        + (message.payloadLength() - (window.isPresent() ? CreditExtension.TRAILER_LENGTH : 0))
                        + " bytes of destination" + (window.isPresent() ? ", credit window " + window.getAsInt() : "");
            case ACK:
                return "ACK, client id " + message.id() + ", server id " + message.ackedServerId()
                        + (message.ackWindow().isPresent() ? ", credit window " + message.ackWindow().getAsInt() : "");
            case CLIENT_CREDIT:
            case SERVER_CREDIT:
                return "credit +" + message.creditIncrement();
            case PING:
            case PONG:
                return message.type().label() + " " + message.id();
            case CLIENT_DATA:
            case SERVER_DATA:
                return "data, " + message.payloadLength() + " bytes";
            default:
                return "close" + (message.payloadLength() == 0 ? "" : ", " + message.payloadLength() + " payload bytes");
        }
    }

    /**
     * Reads one line of the notation back into a packet.
     *
     * @param line for example {@code S->C 51 23 45 67 98 76 54 (ACK)}
     * @return the decoded packet
     * @throws IllegalArgumentException if the line is not the notation, is cut with
     *     {@code ...}, or its arrow contradicts its type byte
     * @throws MalformedMessageException if the bytes are not a valid message
     */
    public static Packet parse(String line) throws MalformedMessageException {
        return Codec.decode(parseBytes(line));
    }

    /**
     * Reads the bytes of one line of the notation without validating them as a message, so that
     * malformed messages can be written down too (the seed's {@code S->C 51 11 11 11}).
     *
     * @param line the notation
     * @return the bytes the line shows
     * @throws IllegalArgumentException if the line is not the notation, is cut with
     *     {@code ...}, or its arrow contradicts its type byte's range
     */
    public static byte[] parseBytes(String line) {
        String text = stripComment(line).trim();
        String[] tokens = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (tokens.length < 2) {
            throw new IllegalArgumentException("expected an arrow and at least a type byte: '" + line + "'");
        }
        Direction direction = arrow(tokens[0], line);
        List<String> hex = new ArrayList<>(List.of(tokens).subList(1, tokens.length));
        if (hex.get(hex.size() - 1).endsWith(CUT)) {
            throw new IllegalArgumentException("the line shows a cut payload ('...'), not a whole message: '" + line + "'");
        }
        byte[] bytes = new byte[hex.size()];
        for (int i = 0; i < bytes.length; i++) {
            String token = hex.get(i);
            if (token.length() != 2) {
                throw new IllegalArgumentException("expected a hex byte, got '" + token + "' in '" + line + "'");
            }
            try {
                bytes[i] = (byte) HexFormat.fromHexDigits(token);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected a hex byte, got '" + token + "' in '" + line + "'", e);
            }
        }
        checkArrow(direction, bytes[0] & 0xFF, line);
        return bytes;
    }

    private static String stripComment(String line) {
        int comment = line.indexOf('(');
        return comment < 0 ? line : line.substring(0, comment);
    }

    private static Direction arrow(String token, String line) {
        for (Direction direction : Direction.values()) {
            if (direction.arrow().equals(token.toUpperCase(Locale.ROOT))) {
                return direction;
            }
        }
        throw new IllegalArgumentException("expected C->S, S->C or *->*, got '" + token + "' in '" + line + "'");
    }

    private static void checkArrow(Direction direction, int typeByte, String line) {
        boolean consistent = switch (direction) {
            case CLIENT_TO_SERVER -> MessageType.isClientToServerRange(typeByte);
            case SERVER_TO_CLIENT -> MessageType.isServerToClientRange(typeByte);
            case EITHER -> typeByte == MessageType.CHAFF.code();
        };
        if (!consistent) {
            throw new IllegalArgumentException(String.format(
                    "arrow %s does not fit type byte %02X in '%s'", direction.arrow(), typeByte, line));
        }
    }
}
