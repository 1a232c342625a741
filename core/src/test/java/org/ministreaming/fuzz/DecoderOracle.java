package org.ministreaming.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Packet;
import org.ministreaming.wire.TraceFormat;

/**
 * What must hold for any bytes handed to the decoder: {@link Codec#decode} either returns a
 * packet whose encoding is exactly those bytes, or throws {@link MalformedMessageException} with
 * a reason; nothing else. The trace notation can write every packet it returns and describe it,
 * reads a line of a packet with at most 16 payload bytes back to the same packet, and refuses a
 * line that was cut. Any other outcome throws an {@link AssertionError} (or the unexpected
 * exception itself), which both Jazzer and jqwik report as a finding.
 */
public final class DecoderOracle {

    private DecoderOracle() {
    }

    /**
     * Checks one input.
     *
     * @return the decoded packet, or {@code null} if the input was rejected as malformed
     */
    public static Packet check(byte[] input) {
        byte[] given = input.clone();
        Packet packet;
        try {
            packet = Codec.decode(given);
        } catch (MalformedMessageException e) {
            if (e.reason() == null || e.getMessage() == null) {
                throw new AssertionError("rejected without a reason: " + show(input), e);
            }
            if (!Arrays.equals(given, input)) {
                throw new AssertionError("decode changed its input: " + show(input));
            }
            return null;
        }
        byte[] encoded = packet.toByteArray();
        if (!Arrays.equals(encoded, input)) {
            throw new AssertionError("decoded " + show(input) + " encodes as " + show(encoded));
        }
        byte[] viewed = new byte[packet.encoded().remaining()];
        packet.encoded().get(viewed);
        if (!Arrays.equals(viewed, input)) {
            throw new AssertionError("encoded() of " + show(input) + " shows " + show(viewed));
        }
        if (packet.payloadLength() != packet.payload().remaining()) {
            throw new AssertionError("payload length " + packet.payloadLength() + " but payload view of "
                    + packet.payload().remaining() + " bytes for " + show(input));
        }
        String line = TraceFormat.format(packet);
        String description = TraceFormat.describe(packet);
        if (line.isEmpty() || description.isEmpty() || !line.equals(packet.toString())) {
            throw new AssertionError("trace of " + show(input) + ": '" + line + "' (" + description + ")");
        }
        if (packet.payloadLength() <= TraceFormat.SHOWN_PAYLOAD_BYTES) {
            Packet back;
            try {
                back = TraceFormat.parse(line);
            } catch (MalformedMessageException | IllegalArgumentException e) {
                throw new AssertionError("trace line '" + line + "' of " + show(input) + " does not read back", e);
            }
            if (!back.equals(packet)) {
                throw new AssertionError("trace line '" + line + "' reads back as " + show(back.toByteArray()));
            }
        } else {
            try {
                TraceFormat.parse(line);
                throw new AssertionError("cut trace line '" + line + "' was read back");
            } catch (IllegalArgumentException expected) {
                // A cut line does not show a whole message.
            } catch (MalformedMessageException e) {
                throw new AssertionError("cut trace line '" + line + "' was decoded instead of refused", e);
            }
        }
        return packet;
    }

    private static String show(byte[] bytes) {
        int shown = Math.min(bytes.length, 64);
        return bytes.length + " bytes [" + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes, 0, shown)
                + (shown < bytes.length ? " ..." : "") + "]";
    }
}
