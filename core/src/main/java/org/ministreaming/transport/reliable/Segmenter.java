package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a peer's long messages into segments, one per frame, once the peer announced that it
 * joins them ({@link Frame#SEGMENTS}, noted by {@link ReceiveState#heard}); a peer of the
 * layer's first version never does, and gets whole messages. See protocol.md, "Reliable delivery
 * layer", "Segments".
 *
 * <p>Stateless and thread-safe.
 */
final class Segmenter {

    private Segmenter() {
    }

    /**
     * The message as it goes in frames of at most {@code maxFrame} bytes, header included: whole,
     * or in segments of at most {@code maxFrame - 26} bytes each, of sizes that differ by at most
     * one byte, when the peer joins segments ({@code peerJoins}), the message is longer than that and not longer than
     * {@link Reassembly#LIMIT}, and it is not an opening message (which may travel as a probe).
     * The segments are views of the message.
     */
    static List<Outgoing> split(Outgoing message, boolean peerJoins, int maxFrame) {
        int segmentBytes = maxFrame - Frame.HEADER;
        ByteBuffer bytes = message.message();
        int length = bytes.remaining();
        if (!peerJoins || message.opening() || length <= segmentBytes || length > Reassembly.LIMIT) {
            return List.of(message);
        }
        int count = (length + segmentBytes - 1) / segmentBytes;
        List<Outgoing> parts = new ArrayList<>(count);
        int offset = 0;
        for (int i = 0; i < count; i++) {
            int size = length / count + (i < length % count ? 1 : 0);
            ByteBuffer part = bytes.slice(bytes.position() + offset, size).asReadOnlyBuffer();
            offset += size;
            parts.add(new Outgoing(part, false, i < count - 1));
        }
        return parts;
    }
}
