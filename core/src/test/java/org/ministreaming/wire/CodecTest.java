package org.ministreaming.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.ministreaming.wire.TestBytes.counting;
import static org.ministreaming.wire.TestBytes.hex;
import static org.ministreaming.wire.TestBytes.id;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Byte-exact vectors for {@link Codec#decode} and the {@link Message} factories. Every vector
 * is written field by field: type(1) | id(3) | payload.
 */
class CodecTest {

    private static Message decodeMessage(byte[] bytes) throws MalformedMessageException {
        Packet packet = Codec.decode(bytes);
        assertThat(packet).isInstanceOf(Message.class);
        return (Message) packet;
    }

    private static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static MalformedMessageException.Reason rejectionReason(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> Codec.decode(bytes));
        assertThat(thrown).isInstanceOf(MalformedMessageException.class);
        return ((MalformedMessageException) thrown).reason();
    }

    @Nested
    class DecodingABuffer {

        @Test
        void decodesTheBytesFromPositionToLimitAndLeavesTheBufferAsItWas() throws Exception {
            ByteBuffer arrived = ByteBuffer.wrap(hex(
                    "7E 7E"       // bytes before the message, such as a frame header
                    + " A0"       // type: data, client -> server
                    + " 12 34 56" // id: the server id
                    + " 68 69"    // payload: "hi"
                    + " 7E"       // a byte after it
            )).position(2).limit(8).asReadOnlyBuffer();

            Message data = (Message) Codec.decode(arrived);

            assertThat(data.type()).isEqualTo(MessageType.CLIENT_DATA);
            assertThat(data.id()).isEqualTo(id("12 34 56"));
            assertThat(remaining(data.payload())).containsExactly(0x68, 0x69);
            assertThat(remaining(data.encoded())).isEqualTo(hex("A0 12 34 56 68 69"));
            assertThat(arrived.position()).isEqualTo(2);
            assertThat(arrived.limit()).isEqualTo(8);
        }

        @Test
        void theMessageKeepsAViewOfTheBufferNotACopy() throws Exception {
            byte[] array = hex("A0 12 34 56 68 69");
            Message data = (Message) Codec.decode(ByteBuffer.wrap(array).asReadOnlyBuffer());

            array[5] = 0x21;

            assertThat(remaining(data.payload())).containsExactly(0x68, 0x21);
            assertThat(data.payload().isReadOnly()).isTrue();
            assertThat(data.encoded().isReadOnly()).isTrue();
        }

        @Test
        void aBufferAndAnArrayWithTheSameBytesDecodeToEqualPackets() throws Exception {
            byte[] ack = hex("51 23 45 67 98 76 54 4D 53 46 43 01 00 04 00 00");
            byte[] chaff = hex("FF 01 02");

            assertThat(Codec.decode(ByteBuffer.wrap(ack).asReadOnlyBuffer())).isEqualTo(Codec.decode(ack.clone()))
                    .hasSameHashCodeAs(Codec.decode(ack.clone()));
            assertThat(Codec.decode(ByteBuffer.wrap(chaff).asReadOnlyBuffer())).isEqualTo(Codec.decode(chaff.clone()));
        }

        @Test
        void aShortSliceIsRejectedWhateverLiesAroundIt() {
            ByteBuffer arrived = ByteBuffer.wrap(hex("A0 12 34 56 68")).limit(3);

            Throwable thrown = catchThrowable(() -> Codec.decode(arrived));

            assertThat(thrown).isInstanceOf(MalformedMessageException.class);
            assertThat(((MalformedMessageException) thrown).reason()).isEqualTo(MalformedMessageException.Reason.TOO_SHORT);
        }
    }

    @Nested
    class ValidMessagesDecode {

        @Test
        void theSevenByteAckDecodesToTheClientIdAndTheServerId() throws Exception {
            byte[] wire = hex(
                    "51"          // type: ACK, server -> client
                    + " 23 45 67" // id: the client id
                    + " 98 76 54" // payload: the server id
            );

            Message ack = decodeMessage(wire);

            assertThat(ack.type()).isEqualTo(MessageType.ACK);
            assertThat(ack.id()).isEqualTo(new ConnectionId(0x234567));
            assertThat(ack.payloadLength()).isEqualTo(3);
            assertThat(ack.ackedServerId()).isEqualTo(new ConnectionId(0x987654));
            assertThat(ack).isEqualTo(Message.ack(id("23 45 67"), id("98 76 54")));
        }

        @Test
        void theFourByteServerCloseDecodesWithAnEmptyPayload() throws Exception {
            byte[] wire = hex(
                    "52"          // type: close, server -> client
                    + " 12 34 56" // id: the client id
                                  // payload: none
            );

            Message close = decodeMessage(wire);

            assertThat(close.type()).isEqualTo(MessageType.SERVER_CLOSE);
            assertThat(close.id()).isEqualTo(new ConnectionId(0x123456));
            assertThat(close.payloadLength()).isZero();
            assertThat(close.payload().remaining()).isZero();
            assertThat(close).isEqualTo(Message.serverClose(id("12 34 56")));
        }

        @Test
        void theOriginalsSevenByteRefusalDecodesAsACloseWithThreePayloadBytes() throws Exception {
            byte[] wire = hex(
                    "52"          // type: close, server -> client
                    + " 12 34 56" // id: the client id
                    + " C3 5A 0E" // payload: 3 random bytes the original appended, meaningless
            );

            Message refusal = decodeMessage(wire);

            assertThat(refusal.type()).isEqualTo(MessageType.SERVER_CLOSE);
            assertThat(refusal.id()).isEqualTo(new ConnectionId(0x123456));
            assertThat(refusal.payloadBytes()).containsExactly(hex("C3 5A 0E"));
        }

        @Test
        void aServerCloseWithAZeroPayloadIsStillAClose() throws Exception {
            // The refusal's 3 "random" bytes may well be 00 00 00; that is not an id, so it is fine.
            byte[] wire = hex(
                    "52"          // type: close, server -> client
                    + " 12 34 56" // id: the client id
                    + " 00 00 00" // payload: ignored
            );

            assertThat(decodeMessage(wire).type()).isEqualTo(MessageType.SERVER_CLOSE);
        }

        @Test
        void theFourByteClientCloseDecodesWithTheServerId() throws Exception {
            byte[] wire = hex(
                    "A2"          // type: close, client -> server
                    + " 98 76 54" // id: the server id
            );

            Message close = decodeMessage(wire);

            assertThat(close.type()).isEqualTo(MessageType.CLIENT_CLOSE);
            assertThat(close.id()).isEqualTo(new ConnectionId(0x987654));
            assertThat(close.payloadLength()).isZero();
            assertThat(close).isEqualTo(Message.clientClose(id("98 76 54")));
        }

        @Test
        void aSynCarriesTheClientIdAndTheDestinationAsPayload() throws Exception {
            byte[] wire = hex(
                    "A1"                   // type: SYN, client -> server
                    + " 12 34 56"          // id: the client id
                    + " 6D 65 6D 3A 61 62" // payload: the client's destination ("mem:ab")
            );

            Message syn = decodeMessage(wire);

            assertThat(syn.type()).isEqualTo(MessageType.SYN);
            assertThat(syn.id()).isEqualTo(new ConnectionId(0x123456));
            assertThat(syn.payloadBytes()).isEqualTo("mem:ab".getBytes(StandardCharsets.US_ASCII));
        }

        @Test
        void aSynWithAClassic387ByteDestinationKeepsAllOfIt() throws Exception {
            byte[] destination = counting(387);
            byte[] wire = new byte[4 + 387];
            wire[0] = (byte) 0xA1;                                    // type: SYN
            wire[1] = 0x00; wire[2] = 0x00; wire[3] = 0x01;           // id: client id 00 00 01
            System.arraycopy(destination, 0, wire, 4, 387);           // payload: the destination

            Message syn = decodeMessage(wire);

            assertThat(syn.id()).isEqualTo(new ConnectionId(1));
            assertThat(syn.payloadBytes()).isEqualTo(destination);
            assertThat(syn).isEqualTo(Message.syn(new ConnectionId(1), destination));
        }

        @Test
        void clientDataCarriesTheServerIdAndTheData() throws Exception {
            byte[] wire = hex(
                    "A0"          // type: data, client -> server
                    + " FF FF FF" // id: the server id (the largest id)
                    + " 47 45 54" // payload: "GET"
            );

            Message data = decodeMessage(wire);

            assertThat(data.type()).isEqualTo(MessageType.CLIENT_DATA);
            assertThat(data.id()).isEqualTo(new ConnectionId(ConnectionId.MAX));
            assertThat(data.payloadBytes()).isEqualTo("GET".getBytes(StandardCharsets.US_ASCII));
        }

        @Test
        void serverDataCarriesTheClientIdAndTheData() throws Exception {
            byte[] wire = hex(
                    "50"             // type: data, server -> client
                    + " 11 11 11"    // id: the client id
                    + " 00 FF 80 7F" // payload: any bytes, including 00 and FF
            );

            Message data = decodeMessage(wire);

            assertThat(data.type()).isEqualTo(MessageType.SERVER_DATA);
            assertThat(data.id()).isEqualTo(new ConnectionId(0x111111));
            assertThat(data.payloadBytes()).containsExactly(hex("00 FF 80 7F"));
        }

        @Test
        void dataWithAnEmptyPayloadIsAccepted() throws Exception {
            byte[] wire = hex(
                    "50"          // type: data, server -> client
                    + " 11 11 11" // id: the client id
            );

            assertThat(decodeMessage(wire).payloadLength()).isZero();
        }

        @Test
        void theIdIsReadBigEndian() throws Exception {
            byte[] wire = hex(
                    "A2"          // type: close, client -> server
                    + " 01 00 00" // id: 0x010000, not 0x000001
            );

            assertThat(decodeMessage(wire).id().value()).isEqualTo(0x010000);
        }

        @Test
        void theEncodedFormIsTheDecodedBytes() throws Exception {
            byte[] wire = hex("51 23 45 67 98 76 54");

            Message ack = decodeMessage(wire);

            assertThat(ack.toByteArray()).isEqualTo(wire);
            assertThat(remaining(ack.encoded())).isEqualTo(wire);
            assertThat(remaining(ack.payload())).containsExactly(hex("98 76 54"));
        }
    }

    @Nested
    class ChaffOfAnyLength {

        @Test
        void aSingleFfByteIsThePing() throws Exception {
            Packet ping = Codec.decode(hex("FF"));

            assertThat(ping).isInstanceOf(Chaff.class);
            assertThat(ping.type()).isEqualTo(MessageType.CHAFF);
            assertThat(ping.payloadLength()).isZero();
            assertThat(ping).isEqualTo(Chaff.PING);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "FF 00",                  // 2 bytes: would be too short for a message
            "FF 00 00",               // 3 bytes
            "FF 00 00 00",            // 4 bytes: would be a zero id for a message
            "FF 12 34 56",            // 4 bytes: looks like a header
            "FF 12 34 56 78 9A BC DE" // longer
        })
        void aFirstByteOfFfIsChaffAtAnyLength(String spaced) throws Exception {
            byte[] wire = hex(spaced);

            Packet chaff = Codec.decode(wire);

            assertThat(chaff.type()).isEqualTo(MessageType.CHAFF);
            assertThat(chaff.payloadLength()).isEqualTo(wire.length - 1);
            assertThat(remaining(chaff.encoded())).isEqualTo(wire);
        }

        @Test
        void chaffOfEqualsTheDecodedChaff() throws Exception {
            assertThat(Codec.decode(hex("FF 01 02 03")))
                    .isEqualTo(Chaff.of(hex("01 02 03")));
            assertThat(Chaff.of(new byte[0])).isEqualTo(Chaff.PING);
        }

        @Test
        void chaffOfCopiesItsBody() {
            byte[] body = hex("01 02 03");
            Chaff chaff = Chaff.of(body);

            body[0] = 0x7F;

            assertThat(remaining(chaff.payload())).containsExactly(hex("01 02 03"));
        }

        @Test
        void chaffIsNeverEqualToAMessageWithTheSameBytes() throws Exception {
            Packet chaff = Chaff.of(hex("12 34 56"));
            Packet message = Message.clientClose(id("12 34 56"));

            assertThat(chaff).isNotEqualTo(message);
            assertThat(message).isNotEqualTo(chaff);
        }
    }

    @Nested
    class MalformedInputIsRejected {

        @ParameterizedTest
        @ValueSource(strings = {
            "",          // 0 bytes
            "52",        // 1 byte: a close's type byte alone
            "00",        // 1 byte: not even a type
            "52 12",     // 2 bytes
            "A1 12 34",  // 3 bytes: the id is cut
            "51 00 00",  // 3 bytes: also a zero-looking id, but too short comes first
            "A5 12 34"   // 3 bytes: unknown type, but too short comes first
        })
        void inputShorterThanTheFourByteHeaderIsTooShort(String spaced) {
            assertThat(rejectionReason(hex(spaced))).isEqualTo(MalformedMessageException.Reason.TOO_SHORT);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "A0 00 00 00 68 69",         // data to server id 00 00 00
            "A1 00 00 00 6D 65 6D",      // SYN from client id 00 00 00
            "A2 00 00 00",               // close of server id 00 00 00
            "50 00 00 00 68 69",         // data to client id 00 00 00
            "51 00 00 00 98 76 54",      // ACK to client id 00 00 00
            "52 00 00 00"                // close of client id 00 00 00
        })
        void theReservedIdZeroIsRejected(String spaced) {
            assertThat(rejectionReason(hex(spaced))).isEqualTo(MalformedMessageException.Reason.ZERO_ID);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "00 12 34 56", // outside both ranges
            "A5 12 34 56", // client -> server range, first undefined
            "AF 12 34 56", // last of the client -> server range, undefined
            "5F 12 34 56", // last of the server -> client range, undefined
            "55 12 34 56", // server -> client range, first undefined
            "7A 12 34 56", // outside both ranges
            "FE 12 34 56"  // next to chaff, but not chaff
        })
        void anUndefinedTypeByteIsAnUnknownType(String spaced) {
            assertThat(rejectionReason(hex(spaced))).isEqualTo(MalformedMessageException.Reason.UNKNOWN_TYPE);
        }

        @Test
        void anAckWithNoPayloadIsRejected() {
            byte[] wire = hex(
                    "51"          // type: ACK
                    + " 23 45 67" // id: the client id
                                  // payload: missing server id
            );

            assertThat(rejectionReason(wire)).isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
        }

        @Test
        void anAckWithTwoBytePayloadIsRejected() {
            byte[] wire = hex(
                    "51"          // type: ACK
                    + " 23 45 67" // id: the client id
                    + " 98 76"    // payload: a server id cut short
            );

            assertThat(rejectionReason(wire)).isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
        }

        @Test
        void anAckWithFourBytePayloadIsRejected() {
            byte[] wire = hex(
                    "51"             // type: ACK
                    + " 23 45 67"    // id: the client id
                    + " 98 76 54 32" // payload: one byte more than a server id
            );

            assertThat(rejectionReason(wire)).isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
        }

        @Test
        void anAckWithServerIdZeroIsRejected() {
            byte[] wire = hex(
                    "51"          // type: ACK
                    + " 23 45 67" // id: the client id
                    + " 00 00 00" // payload: the reserved id
            );

            assertThat(rejectionReason(wire)).isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
        }

        @Test
        void theRejectionMessageNamesItsReason() {
            assertThatThrownBy(() -> Codec.decode(hex("51 23 45 67 98 76")))
                    .isInstanceOf(MalformedMessageException.class)
                    .hasMessageStartingWith("BAD_ACK_PAYLOAD")
                    .asInstanceOf(type(MalformedMessageException.class))
                    .extracting(MalformedMessageException::reason)
                    .isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
        }

        @Test
        void aNullArrayIsANullPointerException() {
            assertThatThrownBy(() -> Codec.decode((byte[]) null)).isInstanceOf(NullPointerException.class);
        }
    }
}
