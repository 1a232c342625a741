package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.ministreaming.wire.MessageType;

/** {@link Frame}: the layout, and the byte examples of protocol.md, "Reliable delivery layer". */
class FrameTest {

    /** What this version announces on every data frame and acknowledgement. */
    private static final int ANNOUNCED = Frame.SEGMENTS | Frame.READS_WIDE;

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    private static final int ALICE = 0x1A2B3C4D;
    private static final int BOB = 0x5E6F7081;

    @Test
    void theFirstDataFrameCarriesTheSynAndKnowsNoEpochOfThePeerYet() {
        ByteBuffer syn = bytes("A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65");

        ByteBuffer frame = Frame.data(ANNOUNCED, ALICE, 0, 0, 0, 0, syn).encode();

        assertThat(hex(frame)).isEqualTo("7E 19 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                + " A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65");
        assertThat(frame.remaining()).isEqualTo(39);
    }

    @Test
    void theAnswerCarriesTheAckOfTheProtocolAndAcknowledgesTheSynFrame() {
        ByteBuffer ack = bytes("51 12 34 56 98 76 54");

        ByteBuffer frame = Frame.data(ANNOUNCED, BOB, ALICE, 0, 1, 0, ack).encode();

        assertThat(hex(frame)).isEqualTo("7E 19 5E 6F 70 81 1A 2B 3C 4D 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00"
                + " 51 12 34 56 98 76 54");
    }

    @Test
    void aPureAckIsTheHeaderAlone() {
        ByteBuffer frame = Frame.ack(ANNOUNCED, ALICE, BOB, 1, 0).encode();

        assertThat(hex(frame)).isEqualTo("7E 18 1A 2B 3C 4D 5E 6F 70 81 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00");
    }

    @Test
    void aSelectiveAckSetsOneBitPerMessageHeldAfterTheGap() {
        // Bob has everything before 4, and 5, 6 and 8: bits 0, 1 and 3.
        ByteBuffer frame = Frame.ack(ANNOUNCED, BOB, ALICE, 4, 0b1011).encode();

        assertThat(hex(frame)).isEqualTo("7E 18 5E 6F 70 81 1A 2B 3C 4D 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 0B");
    }

    @Test
    void aWideSackCarriesItsFurtherWordsAfterTheHeader() {
        // Bob has everything before 4, and 5, then 4 + 1 + 64 + 2 = 71 and 4 + 1 + 128 = 133.
        ByteBuffer frame = Frame.ack(ANNOUNCED, BOB, ALICE, 4, Sack.ofWords(1, 0b100, 1)).encode();

        assertThat(hex(frame)).isEqualTo("7E 38 5E 6F 70 81 1A 2B 3C 4D 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 01"
                + " 02 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 01");
        Frame decoded = Frame.decode(frame);
        assertThat(decoded.sack()).isEqualTo(Sack.ofWords(1, 0b100, 1));
        assertThat(decoded.sack().has(0)).isTrue();
        assertThat(decoded.sack().has(66)).isTrue();
        assertThat(decoded.sack().has(128)).isTrue();
        assertThat(decoded.sack().has(1)).isFalse();
        assertThat(decoded.readsWide()).isTrue();
        assertThat(decoded.flags() & Frame.WIDE_SACK).isNotZero();
    }

    @Test
    void aNarrowSackNeedsNoFlagAndTrailingEmptyWordsAreNotSent() {
        Frame frame = Frame.ack(ANNOUNCED, BOB, ALICE, 4, Sack.ofWords(0b1011, 0, 0));

        assertThat(hex(frame.encode())).isEqualTo("7E 18 5E 6F 70 81 1A 2B 3C 4D 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 0B");
        assertThat(Frame.decode(frame.encode())).isEqualTo(frame);
    }

    @Test
    void aWideSackBeforeAPayloadLeavesThePayloadWhole() {
        Frame frame = Frame.data(Frame.SEGMENTS, BOB, ALICE, 9, 4, Sack.ofWords(0, 1L << 63), bytes("50 12 34 56 68 69"));

        Frame decoded = Frame.decode(frame.encode());

        assertThat(decoded.sack().has(127)).isTrue();
        assertThat(hex(decoded.payload())).isEqualTo("50 12 34 56 68 69");
        assertThat(frame.transmission().header().remaining()).isEqualTo(Frame.HEADER + 1 + 8);
    }

    @Test
    void aMessageInSegmentsSaysMoreFollowOnEveryFrameButTheLast() {
        ByteBuffer first = Frame.data(ANNOUNCED | Frame.MORE, BOB, ALICE, 5, 1, 0, bytes("50 12 34")).encode();
        ByteBuffer last = Frame.data(ANNOUNCED, BOB, ALICE, 6, 1, 0, bytes("56 68 69")).encode();

        assertThat(hex(first)).isEqualTo("7E 1D 5E 6F 70 81 1A 2B 3C 4D 00 00 00 05 00 00 00 01 00 00 00 00 00 00 00 00"
                + " 50 12 34");
        assertThat(hex(last)).isEqualTo("7E 19 5E 6F 70 81 1A 2B 3C 4D 00 00 00 06 00 00 00 01 00 00 00 00 00 00 00 00 56 68 69");
        assertThat(Frame.decode(first).hasMore()).isTrue();
        assertThat(Frame.decode(last).hasMore()).isFalse();
        assertThat(Frame.decode(last).joinsSegments()).isTrue();
        assertThat(Frame.decode(Frame.data(BOB, ALICE, 6, 1, 0, bytes("69")).encode()).joinsSegments())
                .as("a frame of the first version").isFalse();
    }

    @Test
    void aResetNamesTheEpochItDoesNotKnow() {
        ByteBuffer frame = Frame.reset(0x77889900, ALICE).encode();

        assertThat(hex(frame)).isEqualTo("7E 02 77 88 99 00 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    }

    @Test
    void decodingGivesBackEveryField() {
        byte[] encoded = array(Frame.data(BOB, ALICE, 0xFFFFFFFE, 7, 0x8000000000000001L, bytes("50 12 34 56 68 69")).encode());

        Frame frame = Frame.decode(ByteBuffer.wrap(encoded));

        assertThat(frame.hasData()).isTrue();
        assertThat(frame.isReset()).isFalse();
        assertThat(frame.senderEpoch()).isEqualTo(BOB);
        assertThat(frame.receiverEpoch()).isEqualTo(ALICE);
        assertThat(frame.seq()).isEqualTo(0xFFFFFFFE);
        assertThat(frame.ack()).isEqualTo(7);
        assertThat(frame.sack()).isEqualTo(Sack.of(0x8000000000000001L));
        assertThat(hex(frame.payload())).isEqualTo("50 12 34 56 68 69");
        assertThat(frame.payload().isReadOnly()).isTrue();
    }

    @Test
    void unknownFlagBitsAreIgnored() {
        byte[] encoded = array(Frame.ack(ALICE, BOB, 1, 0).encode());
        encoded[1] = (byte) 0xC0;

        Frame frame = Frame.decode(ByteBuffer.wrap(encoded));

        assertThat(frame.hasData()).isFalse();
        assertThat(frame.isReset()).isFalse();
    }

    @Test
    void malformedFramesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(HEX.parseHex("7E 01 02")))).withMessageContaining("shorter");
        byte[] epochZero = array(Frame.ack(ALICE, BOB, 1, 0).encode());
        epochZero[2] = epochZero[3] = epochZero[4] = epochZero[5] = 0;
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(epochZero))).withMessageContaining("epoch 0");
        byte[] payloadWithoutData = HEX.parseHex("7E 00 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 FF");
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(payloadWithoutData))).withMessageContaining("data flag");
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(HEX.parseHex("A1 12 34 56"))));
        byte[] moreWithoutData = HEX.parseHex("7E 04 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(moreWithoutData))).withMessageContaining("more-segments");
        byte[] wideWithoutCount = HEX.parseHex("7E 20 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(wideWithoutCount))).withMessageContaining("count");
        byte[] wideWithCountZero = HEX.parseHex("7E 20 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(wideWithCountZero))).withMessageContaining("count");
        byte[] wideCutShort = HEX.parseHex("7E 20 1A 2B 3C 4D 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 01");
        assertThatIllegalArgumentException().isThrownBy(() -> Frame.decode(ByteBuffer.wrap(wideCutShort))).withMessageContaining("2 words");
    }

    @Test
    void theTypeByteIsOutsideEveryRangeTheProtocolUsesOrReserves() {
        int type = Frame.TYPE & 0xFF;
        assertThat(type >= 0xA0 && type <= 0xAF).isFalse();
        assertThat(type >= 0x50 && type <= 0x5F).isFalse();
        assertThat(type).isNotEqualTo(0xFF);
        for (MessageType messageType : MessageType.values()) {
            assertThat(Frame.isFrame(ByteBuffer.wrap(new byte[] {(byte) messageType.code(), 0, 0, 1}))).as("%s", messageType).isFalse();
        }
        assertThat(Frame.isFrame(ByteBuffer.wrap(new byte[] {(byte) 0xFF}))).isFalse();
        assertThat(Frame.isFrame(ByteBuffer.wrap(new byte[0]))).isFalse();
    }

    private static ByteBuffer bytes(String hex) {
        return ByteBuffer.wrap(HEX.parseHex(hex)).asReadOnlyBuffer();
    }

    private static byte[] array(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String hex(ByteBuffer buffer) {
        return HEX.formatHex(array(buffer));
    }
}
