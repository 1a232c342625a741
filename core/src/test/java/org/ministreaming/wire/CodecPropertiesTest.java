package org.ministreaming.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/** Properties of {@link Codec#decode} over generated messages and arbitrary bytes. */
class CodecPropertiesTest {

    /** The parts a valid message is built from. */
    record Parts(MessageType type, ConnectionId id, byte[] payload) {
    }

    // ---------------------------------------------------------------- generators

    private static Arbitrary<ConnectionId> ids() {
        return Arbitraries.integers().between(1, ConnectionId.MAX).map(ConnectionId::new);
    }

    /** 3 bytes that are not 00 00 00. */
    private static Arbitrary<byte[]> nonZeroIdBytes() {
        return ids().map(id -> {
            byte[] bytes = new byte[ConnectionId.LENGTH];
            id.writeTo(bytes, 0);
            return bytes;
        });
    }

    /** Mostly short payloads, element by element; sometimes long ones up to 40000 bytes, filled at random. */
    private static Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> large = Combinators.combine(
                        Arbitraries.integers().between(0, 40_000).edgeCases(c -> c.add(32_768)),
                        Arbitraries.longs())
                .as(CodecPropertiesTest::randomBytes);
        return Arbitraries.frequencyOf(Tuple.of(8, small), Tuple.of(2, large));
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Arbitrary<MessageType> definedTypes() {
        return Arbitraries.of(MessageType.class).filter(type -> type != MessageType.CHAFF);
    }

    @Provide
    Arbitrary<Parts> validParts() {
        return definedTypes().flatMap(type -> Combinators.combine(ids(), validPayloads(type))
                .as((id, payload) -> new Parts(type, id, payload)));
    }

    /** Payloads the type allows: free for most, a fixed form for ACK, credit, ping and pong. */
    private static Arbitrary<byte[]> validPayloads(MessageType type) {
        switch (type) {
            case ACK:
                return Arbitraries.oneOf(nonZeroIdBytes(), Combinators.combine(nonZeroIdBytes(),
                        Arbitraries.integers().between(1, Integer.MAX_VALUE)).as((id, window) -> {
                            byte[] payload = new byte[ConnectionId.LENGTH + CreditExtension.TRAILER_LENGTH];
                            System.arraycopy(id, 0, payload, 0, ConnectionId.LENGTH);
                            System.arraycopy(CreditExtension.trailer(window), 0, payload, ConnectionId.LENGTH, CreditExtension.TRAILER_LENGTH);
                            return payload;
                        }));
            case CLIENT_CREDIT:
            case SERVER_CREDIT:
                return Arbitraries.integers().between(1, Integer.MAX_VALUE)
                        .map(increment -> java.nio.ByteBuffer.allocate(4).putInt(increment).array());
            case PING:
            case PONG:
                return Arbitraries.longs().map(token -> java.nio.ByteBuffer.allocate(8).putLong(token).array());
            default:
                return payloads();
        }
    }

    @Provide
    Arbitrary<Message> validMessages() {
        return validParts().map(parts -> Message.of(parts.type(), parts.id(), parts.payload()));
    }

    private static byte[] encode(int typeByte, byte[] id, byte[] payload) {
        byte[] wire = new byte[Message.HEADER_LENGTH + payload.length];
        wire[0] = (byte) typeByte;
        System.arraycopy(id, 0, wire, 1, ConnectionId.LENGTH);
        System.arraycopy(payload, 0, wire, Message.HEADER_LENGTH, payload.length);
        return wire;
    }

    @Provide
    Arbitrary<byte[]> tooShort() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3)
                .filter(bytes -> bytes.length == 0 || bytes[0] != (byte) 0xFF);
    }

    @Provide
    Arbitrary<byte[]> zeroId() {
        return definedTypes().flatMap(type -> validPayloads(type)
                .map(payload -> encode(type.code(), new byte[3], payload)));
    }

    @Provide
    Arbitrary<byte[]> unknownType() {
        Arbitrary<Integer> undefined = Arbitraries.integers().between(0, 255)
                .filter(code -> MessageType.fromCode(code) == null)
                .edgeCases(c -> c.add(0x00, 0xA5, 0xAF, 0x55, 0x5F, 0x7A, 0xFE));
        return Combinators.combine(undefined, nonZeroIdBytes(), payloads()).as(CodecPropertiesTest::encode);
    }

    @Provide
    Arbitrary<byte[]> ackWithWrongPayloadLength() {
        Arbitrary<byte[]> wrongLength = Arbitraries.bytes().array(byte[].class).ofMaxSize(64)
                .filter(payload -> payload.length != ConnectionId.LENGTH);
        return Combinators.combine(nonZeroIdBytes(), wrongLength)
                .as((id, payload) -> encode(MessageType.ACK.code(), id, payload));
    }

    @Provide
    Arbitrary<byte[]> ackWithZeroServerId() {
        return nonZeroIdBytes().map(id -> encode(MessageType.ACK.code(), id, new byte[3]));
    }

    /**
     * Arbitrary bytes, mostly up to 64 long, some up to 2000; half of them start with a defined
     * type byte so that decoding gets past the type check often.
     */
    @Provide
    Arbitrary<byte[]> anyBytes() {
        Arbitrary<byte[]> shortOnes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> longOnes = Arbitraries.bytes().array(byte[].class).ofMinSize(65).ofMaxSize(2000);
        Arbitrary<byte[]> raw = Arbitraries.frequencyOf(Tuple.of(9, shortOnes), Tuple.of(1, longOnes));
        Arbitrary<Integer> definedCode = Arbitraries.of(MessageType.values()).map(MessageType::code);
        Arbitrary<byte[]> typed = Combinators.combine(definedCode, raw).as((code, generated) -> {
            byte[] bytes = generated.clone();
            if (bytes.length > 0) {
                bytes[0] = (byte) (int) code;
            }
            return bytes;
        });
        return Arbitraries.oneOf(raw, typed);
    }

    private static MalformedMessageException.Reason rejectionReason(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> Codec.decode(bytes));
        assertThat(thrown).isInstanceOf(MalformedMessageException.class);
        return ((MalformedMessageException) thrown).reason();
    }

    private static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------- round trips

    @Property
    void everyValidMessageDecodesBackToItsTypeIdAndPayload(@ForAll("validParts") Parts parts)
            throws MalformedMessageException {
        Message message = Message.of(parts.type(), parts.id(), parts.payload());

        Packet decoded = Codec.decode(message.toByteArray());

        assertThat(decoded).isInstanceOf(Message.class).isEqualTo(message).hasSameHashCodeAs(message);
        Message back = (Message) decoded;
        assertThat(back.type()).isEqualTo(parts.type());
        assertThat(back.id()).isEqualTo(parts.id());
        assertThat(back.payloadLength()).isEqualTo(parts.payload().length);
        assertThat(back.payloadBytes()).isEqualTo(parts.payload());
        assertThat(remaining(back.payload())).isEqualTo(parts.payload());
    }

    @Property
    void everyValidMessageEncodesToHeaderPlusPayload(@ForAll("validMessages") Message message) {
        byte[] wire = message.toByteArray();

        assertThat(wire).hasSize(Message.HEADER_LENGTH + message.payloadLength());
        assertThat(wire[0] & 0xFF).isEqualTo(message.type().code());
        assertThat(ConnectionId.readRaw(wire, 1)).isEqualTo(message.id().value());
        assertThat(remaining(message.encoded())).isEqualTo(wire);
    }

    @Property
    void aHeaderMadeApartIsTheMessagesFirstBytesAndWithItsPayloadDecodesToTheMessage(@ForAll("validMessages") Message message)
            throws MalformedMessageException {
        ByteBuffer header = Message.header(message.type(), message.id());

        assertThat(header.isReadOnly()).isTrue();
        assertThat(remaining(header)).isEqualTo(java.util.Arrays.copyOf(message.toByteArray(), Message.HEADER_LENGTH));
        byte[] joined = ByteBuffer.allocate(Message.HEADER_LENGTH + message.payloadLength())
                .put(header).put(message.payloadBytes()).array();
        assertThat(Codec.decode(joined)).isEqualTo(message);
    }

    @Property
    void chaffOfAnyLengthDecodesBackToItself(@ForAll @Size(max = 2000) byte[] body)
            throws MalformedMessageException {
        Chaff chaff = Chaff.of(body);

        Packet decoded = Codec.decode(remaining(chaff.encoded()));

        assertThat(decoded).isInstanceOf(Chaff.class).isEqualTo(chaff);
        assertThat(decoded.type()).isEqualTo(MessageType.CHAFF);
        assertThat(decoded.payloadLength()).isEqualTo(body.length);
        assertThat(remaining(decoded.payload())).isEqualTo(body);
    }

    // ---------------------------------------------------------------- rejections

    @Property
    void inputShorterThanTheHeaderIsTooShortUnlessItIsChaff(@ForAll("tooShort") byte[] bytes) {
        assertThat(rejectionReason(bytes)).isEqualTo(MalformedMessageException.Reason.TOO_SHORT);
    }

    @Property
    void theReservedIdZeroIsRejectedInEveryType(@ForAll("zeroId") byte[] bytes) {
        assertThat(rejectionReason(bytes)).isEqualTo(MalformedMessageException.Reason.ZERO_ID);
    }

    @Property
    void everyUndefinedTypeByteIsRejected(@ForAll("unknownType") byte[] bytes) {
        assertThat(rejectionReason(bytes)).isEqualTo(MalformedMessageException.Reason.UNKNOWN_TYPE);
    }

    @Property
    void anAckWhosePayloadIsNotThreeBytesIsRejected(@ForAll("ackWithWrongPayloadLength") byte[] bytes) {
        assertThat(rejectionReason(bytes)).isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
    }

    @Property
    void anAckCarryingServerIdZeroIsRejected(@ForAll("ackWithZeroServerId") byte[] bytes) {
        assertThat(rejectionReason(bytes)).isEqualTo(MalformedMessageException.Reason.BAD_ACK_PAYLOAD);
    }

    // ---------------------------------------------------------------- arbitrary input

    @Property(tries = 10_000)
    void arbitraryBytesEitherDecodeFaithfullyOrAreMalformed(@ForAll("anyBytes") byte[] bytes) {
        byte[] original = bytes.clone();
        Packet packet;
        try {
            packet = Codec.decode(bytes);
        } catch (MalformedMessageException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(bytes).as("decode must not change its input").isEqualTo(original);
            return;
        }
        // Anything else thrown escapes and fails the property.
        assertThat(remaining(packet.encoded())).isEqualTo(original);
        if (packet instanceof Message message) {
            // Whatever the codec accepts, the factory accepts too, and builds the same message.
            assertThat(Message.of(message.type(), message.id(), message.payloadBytes())).isEqualTo(message);
            assertThat(TraceFormat.describe(message)).isNotBlank();
        } else {
            assertThat(original[0]).isEqualTo((byte) 0xFF);
        }
    }
}
