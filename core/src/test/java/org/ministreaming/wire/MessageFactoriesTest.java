package org.ministreaming.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.ministreaming.wire.TestBytes.hex;
import static org.ministreaming.wire.TestBytes.id;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Building messages: the factories, connection ids, sharing and copying bytes, equality. */
class MessageFactoriesTest {

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

    @Nested
    class Factories {

        @Test
        void ackProducesTheSevenByteAck() {
            Message ack = Message.ack(id("23 45 67"), id("98 76 54"));

            assertThat(ack.toByteArray()).containsExactly(hex(
                    "51"          // type: ACK
                    + " 23 45 67" // id: the client id
                    + " 98 76 54" // payload: the server id
            ));
            assertThat(ack.ackedServerId()).isEqualTo(id("98 76 54"));
        }

        @Test
        void synProducesTypeClientIdAndDestination() {
            Message syn = Message.syn(id("12 34 56"), "mem".getBytes(StandardCharsets.US_ASCII));

            assertThat(syn.toByteArray()).containsExactly(hex(
                    "A1"          // type: SYN
                    + " 12 34 56" // id: the client id
                    + " 6D 65 6D" // payload: "mem"
            ));
        }

        @Test
        void clientCloseProducesTheFourByteClose() {
            assertThat(Message.clientClose(id("98 76 54")).toByteArray()).containsExactly(hex(
                    "A2"          // type: close, client -> server
                    + " 98 76 54" // id: the server id
            ));
        }

        @Test
        void serverCloseProducesTheFourByteClose() {
            assertThat(Message.serverClose(id("12 34 56")).toByteArray()).containsExactly(hex(
                    "52"          // type: close, server -> client
                    + " 12 34 56" // id: the client id
            ));
        }

        @Test
        void ofProducesDataOfEitherDirection() {
            assertThat(Message.of(MessageType.CLIENT_DATA, id("FF FF FF"), hex("68 69")).toByteArray())
                    .containsExactly(hex("A0 FF FF FF 68 69"));
            assertThat(Message.of(MessageType.SERVER_DATA, id("11 11 11"), hex("68 69")).toByteArray())
                    .containsExactly(hex("50 11 11 11 68 69"));
        }

        @Test
        void ofWithARangeCopiesOnlyThatRange() {
            byte[] source = hex("00 01 02 03 04 05");

            Message data = Message.of(MessageType.SERVER_DATA, id("11 11 11"), source, 2, 3);

            assertThat(data.toByteArray()).containsExactly(hex("50 11 11 11 02 03 04"));
        }

        @Test
        void ofWithARangeOutsideTheSourceIsRejected() {
            byte[] source = new byte[4];

            assertThatThrownBy(() -> Message.of(MessageType.SERVER_DATA, id("11 11 11"), source, 2, 3))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Message.of(MessageType.SERVER_DATA, id("11 11 11"), source, -1, 1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        void ofRejectsChaff() {
            assertThatThrownBy(() -> Message.of(MessageType.CHAFF, id("12 34 56"), new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aHeaderMadeApartIsTypeAndIdAndRejectsChaff() {
            assertThat(remaining(Message.header(MessageType.SERVER_DATA, id("12 34 56")))).containsExactly(hex("50 12 34 56"));
            assertThatThrownBy(() -> Message.header(MessageType.CHAFF, id("12 34 56")))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "98", "98 76", "98 76 54 32", "00 00 00"})
        void ofRejectsAnAckPayloadThatIsNotAServerId(String spaced) {
            assertThatThrownBy(() -> Message.of(MessageType.ACK, id("23 45 67"), hex(spaced)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void ofAcceptsAnAckPayloadThatIsAServerId() {
            assertThat(Message.of(MessageType.ACK, id("23 45 67"), hex("98 76 54")))
                    .isEqualTo(Message.ack(id("23 45 67"), id("98 76 54")));
        }

        @Test
        void ofRejectsNullTypeAndId() {
            assertThatThrownBy(() -> Message.of(null, id("12 34 56"), new byte[0]))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Message.of(MessageType.SERVER_CLOSE, null, new byte[0]))
                    .isInstanceOf(NullPointerException.class);
        }

        @Test
        void ackedServerIdOfAnythingButAnAckIsAnIllegalState() {
            assertThatThrownBy(() -> Message.serverClose(id("12 34 56")).ackedServerId())
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class ConnectionIds {

        @Test
        void zeroIsRejected() {
            assertThatThrownBy(() -> new ConnectionId(0)).isInstanceOf(IllegalArgumentException.class);
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, Integer.MIN_VALUE, 0x1000000, Integer.MAX_VALUE})
        void valuesOutsideTwentyFourBitsAreRejected(int value) {
            assertThatThrownBy(() -> new ConnectionId(value)).isInstanceOf(IllegalArgumentException.class);
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 0x123456, 0xFFFFFF})
        void valuesFromOneToFfffffAreAccepted(int value) {
            assertThat(new ConnectionId(value).value()).isEqualTo(value);
        }

        @Test
        void anIdIsWrittenAsThreeBigEndianBytesAndReadBack() {
            byte[] target = new byte[5];

            new ConnectionId(0x123456).writeTo(target, 1);

            assertThat(target).containsExactly(hex("00 12 34 56 00"));
            assertThat(ConnectionId.readRaw(target, 1)).isEqualTo(0x123456);
        }

        @Test
        void readRawReadsZeroWithoutComplaint() {
            assertThat(ConnectionId.readRaw(hex("00 00 00"), 0)).isZero();
        }

        @Test
        void anIdPrintsInTraceNotation() {
            assertThat(new ConnectionId(0x123456)).hasToString("12 34 56");
            assertThat(new ConnectionId(1)).hasToString("00 00 01");
            assertThat(new ConnectionId(0xABCDEF)).hasToString("AB CD EF");
        }

        @Test
        void randomIdsSpanOneToFfffffInclusive() {
            Random lowest = new Random() {
                @Override
                public int nextInt(int bound) {
                    return 0;
                }
            };
            Random highest = new Random() {
                @Override
                public int nextInt(int bound) {
                    return bound - 1;
                }
            };

            assertThat(ConnectionId.random(lowest).value()).isEqualTo(1);
            assertThat(ConnectionId.random(highest).value()).isEqualTo(ConnectionId.MAX);
        }

        @Test
        void randomIdsAreAlwaysValid() {
            Random random = new Random(42);

            for (int i = 0; i < 10_000; i++) {
                assertThat(ConnectionId.random(random).value()).isBetween(1, ConnectionId.MAX);
            }
        }
    }

    @Nested
    class Sharing {

        @Test
        void payloadIsAReadOnlyView() {
            Message syn = Message.syn(id("12 34 56"), hex("6D 65 6D"));

            ByteBuffer payload = syn.payload();

            assertThat(payload.isReadOnly()).isTrue();
            assertThat(payload.position()).isZero();
            assertThat(payload.remaining()).isEqualTo(3);
            assertThat(payload.get(0)).isEqualTo((byte) 0x6D);
            assertThatThrownBy(() -> payload.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        }

        @Test
        void encodedIsAReadOnlyView() {
            ByteBuffer encoded = Message.serverClose(id("12 34 56")).encoded();

            assertThat(encoded.isReadOnly()).isTrue();
            assertThatThrownBy(() -> encoded.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        }

        @Test
        void chaffPayloadIsAReadOnlyViewAfterTheFfByte() throws Exception {
            ByteBuffer payload = Codec.decode(hex("FF 01 02")).payload();

            assertThat(payload.isReadOnly()).isTrue();
            assertThat(remaining(payload)).containsExactly(hex("01 02"));
            assertThatThrownBy(() -> payload.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        }

        @Test
        void decodingSharesTheReceivedArrayInsteadOfCopyingIt() throws Exception {
            byte[] wire = hex("50 11 11 11 68 69");
            Message data = decodeMessage(wire);

            wire[4] = 0x7F; // the caller breaks its promise not to touch the array

            assertThat(data.payload().get(0)).isEqualTo((byte) 0x7F);
        }

        @Test
        void ofCopiesThePayloadSoLaterChangesToTheSourceDoNotShow() {
            byte[] payload = hex("68 69");
            Message data = Message.of(MessageType.SERVER_DATA, id("11 11 11"), payload);

            payload[0] = 0x7F;

            assertThat(data.payloadBytes()).containsExactly(hex("68 69"));
            assertThat(data.payload().get(0)).isEqualTo((byte) 0x68);
        }

        @Test
        void toByteArrayAndPayloadBytesReturnCopies() {
            Message data = Message.of(MessageType.SERVER_DATA, id("11 11 11"), hex("68 69"));

            data.toByteArray()[4] = 0x7F;
            data.payloadBytes()[0] = 0x7F;

            assertThat(data.toByteArray()).containsExactly(hex("50 11 11 11 68 69"));
        }
    }

    @Nested
    class Equality {

        @Test
        void aDecodedMessageEqualsTheSameMessageBuiltByAFactory() throws Exception {
            Message decoded = decodeMessage(hex("A1 12 34 56 6D 65 6D"));
            Message built = Message.syn(id("12 34 56"), hex("6D 65 6D"));

            assertThat(decoded).isEqualTo(built).hasSameHashCodeAs(built);
        }

        @Test
        void messagesDifferingInAnyByteAreNotEqual() {
            Message base = Message.of(MessageType.SERVER_DATA, id("11 11 11"), hex("68 69"));

            assertThat(base)
                    .isNotEqualTo(Message.of(MessageType.CLIENT_DATA, id("11 11 11"), hex("68 69")))
                    .isNotEqualTo(Message.of(MessageType.SERVER_DATA, id("11 11 12"), hex("68 69")))
                    .isNotEqualTo(Message.of(MessageType.SERVER_DATA, id("11 11 11"), hex("68 6A")))
                    .isNotEqualTo(Message.of(MessageType.SERVER_DATA, id("11 11 11"), hex("68 69 00")));
        }
    }
}
