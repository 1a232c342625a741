package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The framing and the hello, byte for byte, as docs/protocol.md shows them. */
class FramesTest {

    @Test
    void aFrameIsAFourByteBigEndianLengthThenTheBytes() {
        assertThat(hex(framed(HexFormat.of().parseHex("A0123456")))).isEqualTo("00000004A0123456");
    }

    @Test
    void aMessageInTwoPartsIsOneFrameWithTheLengthOfBoth() {
        ByteBuffer target = ByteBuffer.allocate(16).position(3);
        ByteBuffer header = ByteBuffer.wrap(HexFormat.of().parseHex("7E01")).asReadOnlyBuffer();
        ByteBuffer payload = ByteBuffer.wrap(HexFormat.of().parseHex("00A0123456")).position(1).asReadOnlyBuffer();

        Frames.put(target, header, payload);

        int end = target.position();
        assertThat(end).isEqualTo(3 + 4 + 6);
        assertThat(HexFormat.of().withUpperCase().formatHex(target.array(), 3, end))
                .isEqualTo("00000006" + "7E01" + "A0123456"); // length of both, the header, then the payload
        assertThat(header.position()).isZero();
        assertThat(payload.position()).isEqualTo(1);
    }

    @Test
    void theHelloIsTheAsciiPrefixThenTheDestinationOrADash() throws IOException {
        assertThat(Frames.hello("tcp://127.0.0.1:7000")).isEqualTo("MINISTREAMING/1 tcp://127.0.0.1:7000".getBytes(US_ASCII));
        assertThat(hex(framed(Frames.hello("-")))).isEqualTo("00000011" + "4D494E4953545245414D494E472F3120" + "2D");
        assertThat(hex(framed(Frames.hello("tcp://127.0.0.1:7000")))).isEqualTo("00000024"
                + "4D494E4953545245414D494E472F3120" + "7463703A2F2F3132372E302E302E313A" + "37303030");
        assertThat(Frames.parseHello(Frames.hello("-"))).isEqualTo("-");
        assertThat(Frames.parseHello(Frames.hello("tls://[::1]:443"))).isEqualTo("tls://[::1]:443");
    }

    @Test
    void lengthsFrom1To65536AreFramesAndEverythingElseIsNot() throws IOException {
        ByteBuffer one = buffer("00000001FF");
        assertThat(Frames.wholeLength(one, 0, one.limit(), false)).isEqualTo(1);
        ByteBuffer longest = ByteBuffer.wrap(concat(new byte[] {0, 1, 0, 0}, new byte[65536]));
        assertThat(Frames.wholeLength(longest, 0, longest.limit(), false)).isEqualTo(65536);
        ByteBuffer later = buffer("AAAA00000002BEEF");
        assertThat(Frames.wholeLength(later, 2, later.limit(), false)).as("a frame found where it starts").isEqualTo(2);
        for (String length : List.of("00010001", "00000000", "80000000", "FFFFFFFF", "7FFFFFFF")) {
            assertThatThrownBy(() -> Frames.wholeLength(buffer(length + "00"), 0, 5, false))
                    .isInstanceOf(BadPeerException.class).hasMessageContaining("0x" + length);
        }
    }

    @Test
    void aLengthThatReadsAsTextIsQuotedAsAnotherProtocolsBytes() {
        assertThatThrownBy(() -> Frames.wholeLength(ByteBuffer.wrap("SSH-2.0".getBytes(US_ASCII)), 0, 7, false))
                .isInstanceOf(BadPeerException.class)
                .hasMessage("bad frame length 0x5353482D (1397966893); a frame holds 1 to 65536 bytes:"
                        + " not a ministreaming peer? its bytes read 'SSH-'");
        for (String length : List.of("7FFFFFFF", "48545400", "00010001")) {
            assertThatThrownBy(() -> Frames.wholeLength(buffer(length + "00"), 0, 5, false)).as(length)
                    .isInstanceOf(BadPeerException.class).hasMessageEndingWith("a frame holds 1 to 65536 bytes");
        }
    }

    @Test
    void aLengthThatBeginsATlsRecordSaysThePeerSpeaksTls() {
        for (String record : List.of("15030300", "16030100")) {
            assertThatThrownBy(() -> Frames.wholeLength(buffer(record + "00"), 0, 5, false)).as(record)
                    .isInstanceOf(BadPeerException.class).hasMessageEndingWith("bytes: the peer speaks TLS; dial it as tls://");
            assertThatThrownBy(() -> Frames.wholeLength(buffer(record + "00"), 0, 5, true)).as("inbound " + record)
                    .isInstanceOf(BadPeerException.class)
                    .hasMessageEndingWith("bytes: the peer speaks TLS: it dialled this plain tcp:// listener as tls://");
        }
    }

    @Test
    void anIncompleteFrameIsNotWholeAndTheEndOfTheStreamInsideItIsNamed() throws IOException {
        for (String partial : List.of("", "000000", "00000005A0")) {
            ByteBuffer in = buffer(partial);
            assertThat(Frames.wholeLength(in, 0, in.limit(), false)).as(partial).isEqualTo(-1);
        }
        ByteBuffer cut = buffer("00000002BEEF");
        assertThat(Frames.wholeLength(cut, 0, 5, false)).as("the end given, not the buffer's").isEqualTo(-1);
        assertThat(Frames.truncated(buffer("000000"), 0, 3)).hasMessageContaining("after 3 of the 4 length bytes");
        assertThat(Frames.truncated(buffer("00000005A0"), 0, 5)).hasMessageContaining("after 1 of 5 bytes");
        assertThat(Frames.truncated(buffer("AA00000005A0"), 1, 5)).hasMessageContaining("after 1 of 5 bytes");
    }

    @Test
    void aHelloMustStartWithThePrefixAndNameSomethingPrintable() {
        for (String bad : List.of("", "MINISTREAMING/1 ", "MINISTREAMING/1", "ministreaming/1 -", "MINISTREAMING/2 -", "HELLO -")) {
            assertThatThrownBy(() -> Frames.parseHello(bad.getBytes(US_ASCII))).as(bad).isInstanceOf(BadPeerException.class);
        }
        assertThatThrownBy(() -> Frames.parseHello("MINISTREAMING/1 a b".getBytes(US_ASCII)))
                .isInstanceOf(BadPeerException.class).hasMessageContaining("0x20");
        assertThatThrownBy(() -> Frames.parseHello(concat("MINISTREAMING/1 ".getBytes(US_ASCII), new byte[] {(byte) 0xC3, (byte) 0xA9})))
                .isInstanceOf(BadPeerException.class).hasMessageContaining("0xC3");
    }

    @Property(tries = 200)
    void anySequenceOfMessagesReadsBackAsWrittenHoweverTheBytesArrive(
            @ForAll @Size(max = 20) List<@Size(min = 1, max = 3000) byte[]> messages, @ForAll @IntRange(min = 1, max = 5000) int chunk)
            throws IOException {
        ByteBuffer all = ByteBuffer.allocate(messages.size() * (Frames.LENGTH_BYTES + 3000));
        for (byte[] message : messages) {
            Frames.put(all, ByteBuffer.wrap(message), Frames.EMPTY);
        }
        all.flip();
        ByteBuffer in = ByteBuffer.allocate(all.capacity());
        List<byte[]> read = new ArrayList<>();
        while (all.hasRemaining()) {
            // As a socket hands them over: some bytes at a time, and the rest kept for the next read.
            in.put(all.slice(all.position(), Math.min(chunk, all.remaining())));
            all.position(all.position() + Math.min(chunk, all.remaining()));
            int start = 0;
            int length;
            while ((length = Frames.wholeLength(in, start, in.position(), false)) >= 0) {
                byte[] frame = new byte[length];
                in.get(start + Frames.LENGTH_BYTES, frame);
                read.add(frame);
                start += Frames.LENGTH_BYTES + length;
            }
            in.limit(in.position()).position(start);
            in.compact();
        }
        assertThat(in.position()).as("nothing left over").isZero();
        assertThat(read).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(messages);
    }

    private static ByteBuffer framed(byte[] payload) {
        ByteBuffer target = ByteBuffer.allocate(Frames.LENGTH_BYTES + payload.length);
        Frames.put(target, ByteBuffer.wrap(payload), Frames.EMPTY);
        return target.flip();
    }

    private static String hex(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return HexFormat.of().withUpperCase().formatHex(copy);
    }

    private static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
