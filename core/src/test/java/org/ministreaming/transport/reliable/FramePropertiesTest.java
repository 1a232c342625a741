package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link Frame}'s codec: every frame comes back as it went, and any bytes decode to a frame or a clear refusal. */
class FramePropertiesTest {

    @Property(tries = 2000)
    void everyFrameDecodesToItself(@ForAll("frames") Frame frame) {
        Frame decoded = Frame.decode(frame.encode());

        assertThat(decoded.flags()).isEqualTo(frame.flags());
        assertThat(decoded.senderEpoch()).isEqualTo(frame.senderEpoch());
        assertThat(decoded.receiverEpoch()).isEqualTo(frame.receiverEpoch());
        assertThat(decoded.seq()).isEqualTo(frame.seq());
        assertThat(decoded.ack()).isEqualTo(frame.ack());
        assertThat(decoded.sack()).isEqualTo(frame.sack());
        assertThat(decoded.payload()).isEqualTo(frame.payload());
        assertThat(frame.encode().remaining()).isEqualTo(frame.headerLength() + frame.payload().remaining());
    }

    @Property(tries = 5000)
    void anyBytesAfterTheTypeByteDecodeOrAreRefusedWithAReason(@ForAll @Size(max = 80) List<@IntRange(min = 0, max = 255) Integer> tail,
            @ForAll @IntRange(min = 0, max = 255) int flags) {
        ByteBuffer bytes = ByteBuffer.allocate(2 + tail.size()).put(Frame.TYPE).put((byte) flags);
        tail.forEach(b -> bytes.put((byte) b.intValue()));
        bytes.flip();
        try {
            Frame frame = Frame.decode(bytes);
            assertThat(frame.senderEpoch()).isNotZero();
            assertThat(frame.headerLength() + frame.payload().remaining()).isLessThanOrEqualTo(bytes.remaining());
            assertThat(Frame.decode(frame.encode()).sack()).isEqualTo(frame.sack());
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).startsWith("a frame");
        }
        assertThat(bytes.position()).as("the buffer is not moved").isZero();
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<Integer> flags = Arbitraries.of(0, Frame.SEGMENTS, Frame.SEGMENTS | Frame.READS_WIDE, Frame.MORE | Frame.SEGMENTS);
        Arbitrary<Integer> epochs = Arbitraries.integers().filter(epoch -> epoch != 0);
        Arbitrary<Sack> sacks = Arbitraries.longs().array(long[].class).ofMinSize(1).ofMaxSize(5).map(Sack::ofWords);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        return Combinators.combine(flags, epochs, Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), sacks, payloads, Arbitraries.of(true, false))
                .as((flag, epoch, receiver, seq, ack, sack, payload, data) -> data
                        ? Frame.data(flag, epoch, receiver, seq, ack, sack, ByteBuffer.wrap(payload).asReadOnlyBuffer())
                        : Frame.ack(flag & ~Frame.MORE, epoch, receiver, ack, sack));
    }
}
