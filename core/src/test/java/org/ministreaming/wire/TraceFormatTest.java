package org.ministreaming.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.ministreaming.wire.TestBytes.counting;
import static org.ministreaming.wire.TestBytes.hex;
import static org.ministreaming.wire.TestBytes.id;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seed's one-line trace notation: {@link TraceFormat#format}, {@link TraceFormat#parse}. */
class TraceFormatTest {

    // ---------------------------------------------------------------- the seed's samples

    @Test
    void theSeedsAckLineParsesWithItsComment() throws Exception {
        Packet ack = TraceFormat.parse("S->C 51 23 45 67 98 76 54 (ACK, server ID = 98 76 54)");

        assertThat(ack).isEqualTo(Message.ack(id("23 45 67"), id("98 76 54")));
    }

    @Test
    void theSeedsServerCloseLineParses() throws Exception {
        Packet close = TraceFormat.parse("S->C 52 12 34 56 (Close)");

        assertThat(close).isEqualTo(Message.serverClose(id("12 34 56")));
    }

    @Test
    void theSeedsClientCloseLineParsesWithAndWithoutItsComment() throws Exception {
        assertThat(TraceFormat.parse("C->S A2 98 76 54")).isEqualTo(Message.clientClose(id("98 76 54")));
        assertThat(TraceFormat.parse("C->S A2 98 76 54 (Close)")).isEqualTo(Message.clientClose(id("98 76 54")));
    }

    @Test
    void theSeedsSampleCAckLineParses() throws Exception {
        Packet ack = TraceFormat.parse("S->C 51 11 11 11 FF FF FF (ACK)");

        assertThat(ack).isEqualTo(Message.ack(id("11 11 11"), id("FF FF FF")));
    }

    @Test
    void theSeedsTypoLineIsReadableAsBytesButIsAMalformedAck() {
        String typo = "S->C 51 11 11 11 (Close)";

        assertThat(TraceFormat.parseBytes(typo)).containsExactly(hex("51 11 11 11"));
        Throwable thrown = catchThrowable(() -> TraceFormat.parse(typo));
        assertThat(thrown).isInstanceOf(MalformedMessageException.class);
        assertThat(((MalformedMessageException) thrown).reason())
                .isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
    }

    @Test
    void theCorrectedTypoLineIsTheServersClose() throws Exception {
        assertThat(TraceFormat.parse("S->C 52 11 11 11 (Close)")).isEqualTo(Message.serverClose(id("11 11 11")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "C->S A1 12 34 56 key... (SYN, client ID = 12 34 56)",
        "C->S A1 23 45 67 key... (SYN)",
        "S->C 50 23 45 67 data (Send data)",
        "C->S A0 FF FF FF data (send data)",
        "S->C 50 11 11 11 data (answer with data)"
    })
    void theSeedsLinesWithPlaceholderPayloadsAreRejected(String line) {
        assertThatThrownBy(() -> TraceFormat.parseBytes(line)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TraceFormat.parse(line)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- format

    @Test
    void aSynFormatsAsArrowThenUpperCaseHexBytes() {
        Message syn = Message.syn(id("12 34 56"), "mem".getBytes(StandardCharsets.US_ASCII));

        assertThat(TraceFormat.format(syn)).isEqualTo("C->S A1 12 34 56 6D 65 6D");
    }

    @Test
    void anAckFormatsAsTheSeedWritesIt() {
        assertThat(TraceFormat.format(Message.ack(id("23 45 67"), id("98 76 54"))))
                .isEqualTo("S->C 51 23 45 67 98 76 54");
    }

    @Test
    void clientDataFormatsWithTheClientToServerArrow() {
        Message data = Message.of(MessageType.CLIENT_DATA, id("FF FF FF"), hex("ab cd ef"));

        assertThat(TraceFormat.format(data)).isEqualTo("C->S A0 FF FF FF AB CD EF");
    }

    @Test
    void serverDataFormatsWithTheServerToClientArrow() {
        Message data = Message.of(MessageType.SERVER_DATA, id("0a 0b 0c"), hex("00 01 fe"));

        assertThat(TraceFormat.format(data)).isEqualTo("S->C 50 0A 0B 0C 00 01 FE");
    }

    @Test
    void closesFormatAsTheirFourBytes() {
        assertThat(TraceFormat.format(Message.clientClose(id("98 76 54")))).isEqualTo("C->S A2 98 76 54");
        assertThat(TraceFormat.format(Message.serverClose(id("12 34 56")))).isEqualTo("S->C 52 12 34 56");
    }

    @Test
    void theOriginalsRefusalFormatsWithItsThreePayloadBytes() throws Exception {
        Packet refusal = Codec.decode(hex("52 12 34 56 C3 5A 0E"));

        assertThat(TraceFormat.format(refusal)).isEqualTo("S->C 52 12 34 56 C3 5A 0E");
    }

    @Test
    void chaffFormatsWithTheEitherWayArrow() {
        assertThat(TraceFormat.format(Chaff.PING)).isEqualTo("*->* FF");
        assertThat(TraceFormat.format(Chaff.of(hex("01 a2")))).isEqualTo("*->* FF 01 A2");
    }

    @Test
    void toStringIsTheTraceLine() {
        Message ack = Message.ack(id("23 45 67"), id("98 76 54"));

        assertThat(ack).hasToString(TraceFormat.format(ack));
        assertThat(Chaff.PING).hasToString("*->* FF");
    }

    @Test
    void aPayloadOfSixteenBytesIsShownWhole() {
        Message data = Message.of(MessageType.SERVER_DATA, id("11 11 11"), counting(16));

        assertThat(TraceFormat.format(data))
                .isEqualTo("S->C 50 11 11 11 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F");
    }

    @Test
    void aPayloadLongerThanSixteenBytesIsCutWithDotsRightAfterTheLastByteShown() {
        Message data = Message.of(MessageType.SERVER_DATA, id("11 11 11"), counting(17));

        assertThat(TraceFormat.format(data))
                .isEqualTo("S->C 50 11 11 11 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F...");
    }

    @Test
    void aMaximalDataPayloadIsCutTheSameWay() {
        Message data = Message.of(MessageType.CLIENT_DATA, id("FF FF FF"), counting(32_768));

        assertThat(TraceFormat.format(data))
                .isEqualTo("C->S A0 FF FF FF 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F...");
    }

    @Test
    void longChaffIsCutAfterSixteenBytesAfterTheFf() {
        Chaff chaff = Chaff.of(counting(17));

        assertThat(TraceFormat.format(chaff))
                .isEqualTo("*->* FF 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F...");
    }

    // ---------------------------------------------------------------- parse rejections

    @Test
    void aCutLineIsRejectedBecauseItIsNotAWholeMessage() {
        Message data = Message.of(MessageType.SERVER_DATA, id("11 11 11"), counting(17));
        String cut = TraceFormat.format(data);

        assertThatThrownBy(() -> TraceFormat.parse(cut)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TraceFormat.parseBytes(cut)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "C->S 51 23 45 67 98 76 54", // a server -> client type behind the client -> server arrow
        "S->C A1 12 34 56 6D",       // a client -> server type behind the server -> client arrow
        "C->S 5F 12 34 56",          // undefined, but still the wrong range for the arrow
        "*->* 52 12 34 56",          // only chaff goes either way
        "C->S FF",                   // chaff needs the either-way arrow
        "S->C FF 01"
    })
    void anArrowThatContradictsTheTypeByteIsRejected(String line) {
        assertThatThrownBy(() -> TraceFormat.parse(line)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TraceFormat.parseBytes(line)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "C->S A1 12 34 56 key...", // the seed's placeholder
        "S->C 50 23 45 67 data",   // the seed's placeholder
        "S->C 52 12 34 5",         // one hex digit
        "S->C 52 12 34 567",       // three hex digits
        "S->C 52 12 34 5G",        // not hex
        "S->C 52 12 34 56 +1",     // not hex
        "S->C 52 123456",          // bytes run together
        "S->C 52,12,34,56",        // wrong separator
        "S->C 52 12 34 ..."        // a separate cut marker
    })
    void aTokenThatIsNotOneHexByteIsRejected(String line) {
        assertThatThrownBy(() -> TraceFormat.parse(line)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "(Close)",
        "S->C",
        "S->C (Close)",
        "52 12 34 56",             // no arrow
        "C-S A2 98 76 54",         // a misspelt arrow
        "S<-C 52 12 34 56",        // a reversed arrow
        "X->Y 52 12 34 56"
    })
    void aLineWithoutAnArrowAndATypeByteIsRejected(String line) {
        assertThatThrownBy(() -> TraceFormat.parse(line)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wellFormedNotationOfAnInvalidMessageIsAMalformedMessage() {
        assertThat(reasonParsing("C->S A5 12 34 56")).isEqualTo(MalformedMessageException.Reason.UNKNOWN_TYPE);
        assertThat(reasonParsing("C->S A1 00 00 00 6D")).isEqualTo(MalformedMessageException.Reason.ZERO_ID);
        assertThat(reasonParsing("S->C 52 12")).isEqualTo(MalformedMessageException.Reason.TOO_SHORT);
        assertThat(reasonParsing("S->C 51 23 45 67 00 00 00"))
                .isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
    }

    private static MalformedMessageException.Reason reasonParsing(String line) {
        Throwable thrown = catchThrowable(() -> TraceFormat.parse(line));
        assertThat(thrown).isInstanceOf(MalformedMessageException.class);
        return ((MalformedMessageException) thrown).reason();
    }

    @Test
    void chaffLinesParseToChaff() throws Exception {
        assertThat(TraceFormat.parse("*->* FF")).isEqualTo(Chaff.PING);
        assertThat(TraceFormat.parse("*->* FF 01 02 (padding)")).isEqualTo(Chaff.of(hex("01 02")));
    }

    // ---------------------------------------------------------------- describe

    @Test
    void describeSaysWhatEachMessageMeans() throws Exception {
        assertThat(TraceFormat.describe(Message.syn(id("12 34 56"), new byte[387])))
                .isEqualTo("SYN, client id 12 34 56, 387 bytes of destination");
        assertThat(TraceFormat.describe(Message.ack(id("23 45 67"), id("98 76 54"))))
                .isEqualTo("ACK, client id 23 45 67, server id 98 76 54");
        assertThat(TraceFormat.describe(Message.of(MessageType.CLIENT_DATA, id("98 76 54"), new byte[1024])))
                .isEqualTo("data, 1024 bytes");
        assertThat(TraceFormat.describe(Message.of(MessageType.SERVER_DATA, id("23 45 67"), new byte[0])))
                .isEqualTo("data, 0 bytes");
        assertThat(TraceFormat.describe(Message.clientClose(id("98 76 54")))).isEqualTo("close");
        assertThat(TraceFormat.describe(Message.serverClose(id("12 34 56")))).isEqualTo("close");
        assertThat(TraceFormat.describe(Codec.decode(hex("52 12 34 56 C3 5A 0E"))))
                .isEqualTo("close, 3 payload bytes");
        assertThat(TraceFormat.describe(Chaff.PING)).isEqualTo("chaff, 0 bytes");
        assertThat(TraceFormat.describe(Chaff.of(new byte[5]))).isEqualTo("chaff, 5 bytes");
    }

    // ---------------------------------------------------------------- round trip

    /**
     * The jqwik property sits in a {@link Group} of its own: when JUnit Jupiter and jqwik both
     * report the same class, Surefire's XML report of one engine overwrites the other's.
     */
    @Group
    class FormatThenParse {

        @Provide
        Arbitrary<Packet> packetsShownWhole() {
            Arbitrary<byte[]> shortPayloads = Arbitraries.bytes().array(byte[].class)
                    .ofMaxSize(TraceFormat.SHOWN_PAYLOAD_BYTES);
            Arbitrary<ConnectionId> ids = Arbitraries.integers().between(1, ConnectionId.MAX).map(ConnectionId::new);
            Arbitrary<Packet> acks = Combinators.combine(ids, ids).as(Message::ack);
            Arbitrary<Packet> others = Combinators.combine(
                            Arbitraries.of(MessageType.CLIENT_DATA, MessageType.SYN, MessageType.CLIENT_CLOSE,
                                    MessageType.SERVER_DATA, MessageType.SERVER_CLOSE),
                            ids, shortPayloads)
                    .as(Message::of);
            Arbitrary<Packet> chaff = shortPayloads.map(Chaff::of);
            return Arbitraries.oneOf(acks, others, chaff);
        }

        @Property
        void formattingThenParsingGivesBackEveryPacketShownWhole(@ForAll("packetsShownWhole") Packet packet)
                throws MalformedMessageException {
            String line = TraceFormat.format(packet);

            assertThat(line).doesNotEndWith("...").matches("(C->S|S->C|\\*->\\*)( [0-9A-F]{2})+");
            assertThat(TraceFormat.parse(line)).isEqualTo(packet);
            assertThat(TraceFormat.parse(line + " (" + TraceFormat.describe(packet) + ")")).isEqualTo(packet);
        }
    }
}
