package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The framing and the hello, byte for byte, as docs/protocol.md shows them. */
class FramesTest {

    @Test
    void aFrameIsAFourByteBigEndianLengthThenTheBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(out, HexFormat.of().parseHex("A0123456"));
        assertThat(HexFormat.of().withUpperCase().formatHex(out.toByteArray())).isEqualTo("00000004A0123456");
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(out, Frames.hello("-"));
        assertThat(HexFormat.of().withUpperCase().formatHex(out.toByteArray()))
                .isEqualTo("00000011" + "4D494E4953545245414D494E472F3120" + "2D");
        out.reset();
        Frames.write(out, Frames.hello("tcp://127.0.0.1:7000"));
        assertThat(HexFormat.of().withUpperCase().formatHex(out.toByteArray())).isEqualTo("00000024"
                + "4D494E4953545245414D494E472F3120" + "7463703A2F2F3132372E302E302E313A" + "37303030");
        assertThat(Frames.parseHello(Frames.hello("-"))).isEqualTo("-");
        assertThat(Frames.parseHello(Frames.hello("tls://[::1]:443"))).isEqualTo("tls://[::1]:443");
    }

    @Test
    void lengthsFrom1To65536AreFramesAndEverythingElseIsNot() throws IOException {
        assertThat(Frames.read(stream("00000001FF"))).containsExactly(0xFF);
        assertThat(Frames.read(new ByteArrayInputStream(concat(new byte[] {0, 1, 0, 0}, new byte[65536])))).hasSize(65536);
        for (String length : List.of("00010001", "00000000", "80000000", "FFFFFFFF", "7FFFFFFF")) {
            assertThatThrownBy(() -> Frames.read(stream(length + "00")))
                    .isInstanceOf(BadPeerException.class).hasMessageContaining("0x" + length);
        }
    }

    @Test
    void theEndOfTheStreamIsCleanOnlyBetweenFrames() throws IOException {
        assertThat(Frames.read(stream(""))).isNull();
        assertThatThrownBy(() -> Frames.read(stream("000000")))
                .isInstanceOf(BadPeerException.class).hasMessageContaining("after 3 of the 4 length bytes");
        assertThatThrownBy(() -> Frames.read(stream("00000005A0")))
                .isInstanceOf(BadPeerException.class).hasMessageContaining("after 1 of 5 bytes");
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
    void anySequenceOfMessagesReadsBackAsWritten(@ForAll @Size(max = 20) List<@Size(min = 1, max = 3000) byte[]> messages)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            Frames.write(out, message);
        }
        InputStream in = new OneByteAtATime(out.toByteArray());
        List<byte[]> read = new ArrayList<>();
        byte[] frame;
        while ((frame = Frames.read(in)) != null) {
            read.add(frame);
        }
        assertThat(read).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(messages);
    }

    private static InputStream stream(String hex) {
        return new ByteArrayInputStream(HexFormat.of().parseHex(hex));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Hands out at most one byte per read, as a slow socket may. */
    private static final class OneByteAtATime extends ByteArrayInputStream {
        OneByteAtATime(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] target, int offset, int length) {
            return super.read(target, offset, Math.min(length, 1));
        }
    }
}
