package org.ministreaming.transport.i2cp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a received stream, as it arrives, against the bytes a plain sender sent in messages of
 * {@code message} bytes each, and says how it differs: whole messages missing, which is what a
 * router that drops messages does to a plain stream, or anything else (a message cut, repeated,
 * out of order, or bytes that were never sent), which no dropped message explains. It keeps a few
 * counters, not the stream. Not thread-safe: one reader feeds it.
 */
final class StreamCheck {

    /** Bytes that tell which message starts at a boundary: random data does not repeat 16 bytes. */
    private static final int KNOWN_BY = 16;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final byte[] sent;
    private final int message;
    private final List<Integer> missing = new ArrayList<>();
    private final byte[] pending = new byte[KNOWN_BY];
    private int pendingLength;
    private long received;
    /** The stream offset of the first pending byte. */
    private long pendingAt;
    /** Where in {@code sent} the next received byte belongs. */
    private int at;
    private String broken;

    /**
     * @param sent every byte the sender sent, in order
     * @param message how many data bytes each of its messages carried (the last one fewer)
     */
    StreamCheck(byte[] sent, int message) {
        this.sent = sent;
        this.message = message;
    }

    /** Takes the next {@code length} bytes the reader got. */
    void update(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end && broken == null) {
            if (pendingLength > 0) {
                int n = Math.min(KNOWN_BY - pendingLength, end - i);
                System.arraycopy(bytes, i, pending, pendingLength, n);
                pendingLength += n;
                i += n;
                received += n;
                if (pendingLength == KNOWN_BY) {
                    identify();
                }
                continue;
            }
            int n = Math.min(end - i, sent.length - at);
            if (n == 0) {
                broken = (end - i) + " bytes after the last byte sent, at stream offset " + received;
                received += end - i;
                return;
            }
            int differs = Arrays.mismatch(bytes, i, i + n, sent, at, at + n);
            int same = differs < 0 ? n : differs;
            i += same;
            at += same;
            received += same;
            if (differs < 0) {
                continue;
            }
            if (at % message != 0) {
                broken = String.format("at stream offset %d, byte %d of message %d differs (received %s, sent %s):"
                        + " no whole message was lost there", received, at % message, at / message, hex(bytes, i, end), hex(sent, at, sent.length));
                received += end - i;
                return;
            }
            pendingAt = received;
            pendingLength = Math.min(KNOWN_BY, end - i);
            System.arraycopy(bytes, i, pending, 0, pendingLength);
            i += pendingLength;
            received += pendingLength;
            if (pendingLength == KNOWN_BY) {
                identify();
            }
        }
        if (broken != null) {
            received += end - i;
        }
    }

    /** The stream ended. */
    void finish() {
        if (broken == null && pendingLength > 0) {
            identify();
        }
        if (broken == null && at < sent.length) {
            if (at % message != 0) {
                broken = "the stream ends inside message " + at / message;
                return;
            }
            for (int index = at / message; index * (long) message < sent.length; index++) {
                missing.add(index);
            }
            at = sent.length;
        }
    }

    /** Whether every byte sent arrived, once and in order. */
    boolean intact() {
        return broken == null && missing.isEmpty() && at == sent.length;
    }

    /** Whether what arrived is what was sent, but for whole messages missing. */
    boolean onlyWholeMessagesMissing() {
        return broken == null && at == sent.length;
    }

    /** The indexes of the messages that did not arrive, with the stream otherwise in order. */
    List<Integer> missing() {
        return List.copyOf(missing);
    }

    /** What arrived, for a failure message. */
    String describe() {
        String counts = received + " of " + sent.length + " bytes";
        if (broken != null) {
            return counts + "; BROKEN after " + missing.size() + " whole messages missing " + missing + ": " + broken;
        }
        return missing.isEmpty() ? counts + ", intact" : counts + "; whole messages of " + message + " bytes missing, "
                + "the rest in order: " + missing;
    }

    /** The {@link #KNOWN_BY} bytes at a message boundary that differ from the message sent there: which later one they start. */
    private void identify() {
        int length = pendingLength;
        pendingLength = 0;
        for (int start = at + message; start < sent.length; start += message) {
            if (Arrays.equals(pending, 0, length, sent, start, Math.min(start + length, sent.length))) {
                for (int index = at / message; index < start / message; index++) {
                    missing.add(index);
                }
                at = start + length;
                return;
            }
        }
        int earlier = -1;
        for (int start = 0; start < at && earlier < 0; start += message) {
            if (Arrays.equals(pending, 0, length, sent, start, Math.min(start + length, sent.length))) {
                earlier = start / message;
            }
        }
        broken = "at stream offset " + pendingAt + ", where message " + at / message + " was due, "
                + (earlier >= 0 ? "message " + earlier + " came again" : "came bytes that start no message sent: " + hex(pending, 0, length));
    }

    private static String hex(byte[] bytes, int from, int end) {
        return HEX.formatHex(bytes, from, Math.min(end, from + 8));
    }
}
