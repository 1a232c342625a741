package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The buffered frame reader of a link's reader, and the frame writer of its writer: the same frames as {@link Frames}. */
class FrameReaderTest {

    private static final int SMALLEST_BUFFER = Frames.LENGTH_BYTES + Frames.MAX_LENGTH;

    @Test
    void readsWhatFramesWritesAndEndsCleanlyBetweenFrames() throws IOException {
        FrameReader reader = new FrameReader(stream("00000001FF" + "00000004A0123456"), SMALLEST_BUFFER);

        assertThat(reader.read()).containsExactly(0xFF);
        assertThat(reader.read()).isEqualTo(HexFormat.of().parseHex("A0123456"));
        assertThat(reader.read()).isNull();
        assertThat(reader.read()).as("still at the end").isNull();
    }

    @Test
    void lengthsFrom1To65536AreFramesAndEverythingElseIsNot() throws IOException {
        byte[] largest = concat(new byte[] {0, 1, 0, 0}, new byte[Frames.MAX_LENGTH]);
        assertThat(new FrameReader(new ByteArrayInputStream(largest), SMALLEST_BUFFER).read()).hasSize(Frames.MAX_LENGTH);
        for (String length : List.of("00010001", "00000000", "80000000", "FFFFFFFF", "7FFFFFFF")) {
            assertThatThrownBy(() -> new FrameReader(stream(length + "00"), SMALLEST_BUFFER).read())
                    .isInstanceOf(BadPeerException.class).hasMessageContaining("0x" + length);
        }
    }

    @Test
    void aStreamThatEndsInsideAFrameIsTruncated() {
        assertThatThrownBy(() -> new FrameReader(stream("000000"), SMALLEST_BUFFER).read())
                .isInstanceOf(BadPeerException.class).hasMessageContaining("after 3 of the 4 length bytes");
        assertThatThrownBy(() -> new FrameReader(stream("00000005A0"), SMALLEST_BUFFER).read())
                .isInstanceOf(BadPeerException.class).hasMessageContaining("after 1 of 5 bytes");
    }

    @Test
    void theBufferStaysSmallForSmallFramesAndGrowsOnlyForOneThatDoesNotFit() throws IOException {
        byte[] large = new byte[FrameReader.INITIAL_BUFFER];
        large[large.length - 1] = 7;
        ByteBuffer frames = ByteBuffer.allocate(100 * 5 + 4 + large.length);
        for (int i = 0; i < 100; i++) {
            frames.putInt(1).put((byte) i);
        }
        frames.putInt(large.length).put(large);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(frames.array()), SMALLEST_BUFFER);

        for (int i = 0; i < 100; i++) {
            assertThat(reader.read()).containsExactly(i);
        }
        assertThat(reader.bufferSize()).as("after 100 small frames").isEqualTo(FrameReader.INITIAL_BUFFER);
        assertThat(reader.read()).isEqualTo(large);
        assertThat(reader.bufferSize()).as("after a frame larger than the buffer").isEqualTo(SMALLEST_BUFFER);
        assertThat(reader.read()).isNull();
    }

    @Test
    void aBufferTooSmallForTheLargestFrameIsRefused() {
        assertThatThrownBy(() -> new FrameReader(stream(""), SMALLEST_BUFFER - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putWritesTheSameBytesAsWriteWithoutMovingTheMessage() throws IOException {
        ByteBuffer message = ByteBuffer.wrap(HexFormat.of().parseHex("99A0123456")).position(1).slice().asReadOnlyBuffer();
        byte[] target = new byte[12];

        int end = Frames.put(target, 2, message);

        assertThat(end).isEqualTo(10);
        assertThat(HexFormat.of().withUpperCase().formatHex(target)).isEqualTo("0000" + "00000004A0123456" + "0000");
        assertThat(message.position()).isZero();
    }

    @Property(tries = 100)
    void anySequenceOfFramesReadsBackAsWrittenHoweverTheStreamIsCut(
            @ForAll @Size(max = 12) List<@Size(min = 1, max = 40000) byte[]> messages,
            @ForAll @IntRange(min = 1, max = 100_000) int piece) throws IOException {
        byte[] written = writeAll(messages);

        FrameReader reader = new FrameReader(new Pieces(written, piece), SMALLEST_BUFFER);
        List<byte[]> read = new ArrayList<>();
        byte[] frame;
        while ((frame = reader.read()) != null) {
            read.add(frame);
        }

        assertThat(read).usingElementComparator(Arrays::compare).containsExactlyElementsOf(messages);
    }

    /**
     * The buffered reader and the unbuffered {@link Frames#read} agree on any stream: valid frames,
     * then arbitrary bytes, cut anywhere, handed out in pieces of any size. Both give the same
     * frames, then the same end: a clean end of stream, or a {@link BadPeerException} with the
     * same message.
     */
    @Property(tries = 300)
    void theBufferedReaderAndFramesReadAgreeOnAnyStream(
            @ForAll @Size(max = 6) List<@Size(min = 1, max = 3000) byte[]> messages,
            @ForAll @Size(max = 12) byte[] tail,
            @ForAll @IntRange(min = 0, max = 20_000) int cut,
            @ForAll @IntRange(min = 1, max = 5000) int piece) throws IOException {
        byte[] whole = concat(writeAll(messages), tail);
        byte[] stream = Arrays.copyOf(whole, Math.min(cut, whole.length));

        List<String> buffered = outcome(new FrameReader(new Pieces(stream, piece), SMALLEST_BUFFER)::read);
        InputStream unbufferedIn = new Pieces(stream, piece);
        List<String> unbuffered = outcome(() -> Frames.read(unbufferedIn));

        assertThat(buffered).isEqualTo(unbuffered);
    }

    /** A source of frames, as both readers are. */
    @FunctionalInterface
    private interface FrameSource {
        byte[] read() throws IOException;
    }

    /** Every frame {@code source} gives, in hex, then how it ended. */
    private static List<String> outcome(FrameSource source) throws IOException {
        List<String> seen = new ArrayList<>();
        try {
            byte[] frame;
            while ((frame = source.read()) != null) {
                seen.add(HexFormat.of().formatHex(frame));
            }
            seen.add("end of stream");
        } catch (BadPeerException e) {
            seen.add("bad peer: " + e.getMessage());
        }
        return seen;
    }

    /** The frames as {@link Frames#put} lays them out, checked against {@link Frames#write}. */
    private static byte[] writeAll(List<byte[]> messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        byte[] buffer = new byte[SMALLEST_BUFFER];
        for (byte[] message : messages) {
            int end = Frames.put(buffer, 0, ByteBuffer.wrap(message).asReadOnlyBuffer());
            out.write(buffer, 0, end);
            Frames.write(reference, message);
        }
        assertThat(out.toByteArray()).isEqualTo(reference.toByteArray());
        return out.toByteArray();
    }

    private static InputStream stream(String hex) {
        return new ByteArrayInputStream(HexFormat.of().parseHex(hex));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Hands out at most {@code piece} bytes per read, as a socket may. */
    private static final class Pieces extends ByteArrayInputStream {
        private final int piece;

        Pieces(byte[] bytes, int piece) {
            super(bytes);
            this.piece = piece;
        }

        @Override
        public synchronized int read(byte[] target, int offset, int length) {
            return super.read(target, offset, Math.min(length, piece));
        }
    }
}
