package org.ministreaming.cli;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.Direction;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;
import org.ministreaming.wire.TraceFormat;

/**
 * One line of input to {@code ministreaming trace}, decoded: a message as hex bytes, spaces
 * between bytes optional, any case; optionally led by an arrow ({@code C->S}, {@code S->C},
 * {@code *->*}) and followed by a comment in parentheses, so that the 2004 protocol text's sample
 * lines and the trace notation ({@code docs/protocol.md} §10) read back. Before an arrow may come
 * the peer, as {@code --trace} prints it ({@code tcp://127.0.0.1:7000 C->S A0 ...}): the decoded
 * line keeps it in front. A {@code #} starts a comment that runs to the end of the line.
 *
 * <p>Stateless; thread-safe.
 */
final class TraceLine {

    /** Why a line that is not hex, or whose arrow contradicts its bytes, was rejected. */
    enum InputProblem {
        /** A token is not hex bytes. */
        NOT_HEX,
        /** The line ends in {@code ...}: the notation cut the payload, so the message is not whole. */
        CUT,
        /** The arrow does not fit the type byte. */
        WRONG_ARROW
    }

    /** Width of the notation column, as the demo prints it: a plain SYN from {@code mem:client} fits. */
    static final int NOTATION_WIDTH = 47;

    private static final String CUT_MARK = "...";
    private static final int SHOWN_INPUT_CHARS = 60;

    /**
     * What one line holds.
     *
     * @param text the trace line to print: the notation and a comment, or {@code MALFORMED ...}
     * @param malformed whether the line was not a valid message
     */
    record Result(String text, boolean malformed) {
    }

    private TraceLine() {
    }

    /**
     * Decodes one line.
     *
     * @param line the line as read, without its line terminator
     * @param number its line number, from 1, for the report of a malformed line
     * @return empty for a blank or comment-only line; else the decoded message or the report
     */
    static Optional<Result> decode(String line, long number) {
        String text = withoutComments(line).strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] tokens = text.split("\\s+");
        String peer = tokens.length > 1 && arrow(tokens[0]) == null && arrow(tokens[1]) != null ? tokens[0] : null;
        int start = peer == null ? 0 : 1;
        Direction arrow = arrow(tokens[start]);
        int first = arrow == null ? start : start + 1;
        String last = tokens[tokens.length - 1];
        boolean cut = tokens.length > first && last.length() > CUT_MARK.length() && last.endsWith(CUT_MARK);
        if (cut) {
            tokens[tokens.length - 1] = last.substring(0, last.length() - CUT_MARK.length());
        }
        byte[] bytes;
        try {
            bytes = hex(tokens, first);
        } catch (IllegalArgumentException e) {
            return Optional.of(malformed(InputProblem.NOT_HEX.name(), number, text, e.getMessage()));
        }
        if (cut) {
            return Optional.of(malformed(InputProblem.CUT.name(), number, text,
                    "the line ends in '...', so the notation cut its payload; give the whole message"));
        }
        Packet packet;
        try {
            packet = Codec.decode(bytes);
        } catch (MalformedMessageException e) {
            String prefix = e.reason().name() + ": ";
            String detail = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
            return Optional.of(malformed(e.reason().name(), number, text, detail));
        }
        if (arrow != null && arrow != packet.type().direction()) {
            return Optional.of(malformed(InputProblem.WRONG_ARROW.name(), number, text, String.format(Locale.ROOT,
                    "the arrow %s does not fit type byte %02X (%s), which goes %s",
                    arrow.arrow(), packet.type().code(), packet.type().label(), packet.type().direction().arrow())));
        }
        return Optional.of(new Result((peer == null ? "" : peer + " ") + String.format(Locale.ROOT,
                "%-" + NOTATION_WIDTH + "s (%s)", TraceFormat.format(packet), TraceFormat.describe(packet)), false));
    }

    /** The line without a {@code #} comment and without a comment in parentheses. */
    private static String withoutComments(String line) {
        int hash = line.indexOf('#');
        String text = hash < 0 ? line : line.substring(0, hash);
        int paren = text.indexOf('(');
        return paren < 0 ? text : text.substring(0, paren);
    }

    /** The direction {@code token} names, or {@code null} if it is no arrow. */
    private static Direction arrow(String token) {
        for (Direction direction : Direction.values()) {
            if (direction.arrow().equals(token.toUpperCase(Locale.ROOT))) {
                return direction;
            }
        }
        return null;
    }

    /** The bytes of {@code tokens[first..]}, each token an even number of hex digits. */
    private static byte[] hex(String[] tokens, int first) {
        List<byte[]> parts = new ArrayList<>();
        int length = 0;
        for (int i = first; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.length() % 2 != 0 || !token.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
                throw new IllegalArgumentException("'" + shorten(token) + "' is not hex bytes"
                        + (arrowLike(token) ? " (an arrow is C->S, S->C or *->*, and only before the bytes)"
                                : "; give two hex digits per byte, like 51 12 34 56"));
            }
            byte[] part = HexFormat.of().parseHex(token);
            parts.add(part);
            length += part.length;
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, bytes, at, part.length);
            at += part.length;
        }
        return bytes;
    }

    private static boolean arrowLike(String token) {
        return token.contains("->");
    }

    private static Result malformed(String reason, long number, String input, String detail) {
        return new Result("MALFORMED " + reason + ": line " + number + " (" + shorten(input) + "): " + detail, true);
    }

    /** The start of {@code text}, control characters shown as {@code ?}, for a report on one line. */
    private static String shorten(String text) {
        String shown = text.length() <= SHOWN_INPUT_CHARS ? text : text.substring(0, SHOWN_INPUT_CHARS) + "...";
        return shown.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
