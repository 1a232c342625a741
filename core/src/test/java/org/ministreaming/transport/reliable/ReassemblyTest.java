package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link Reassembly}: joins segments, passes whole messages through, and never holds more than its limit. */
class ReassemblyTest {

    private final Reassembly reassembly = new Reassembly();

    @Test
    void aWholeMessagePassesThroughUncopied() {
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {1, 2, 3}).asReadOnlyBuffer();

        assertThat(reassembly.take(frame(false, payload))).isSameAs(payload);
        assertThat(reassembly.inProgress()).isFalse();
    }

    @Test
    void segmentsAreJoinedIntoOneMessage() {
        assertThat(reassembly.take(frame(true, ByteBuffer.wrap(new byte[] {1, 2})))).isNull();
        assertThat(reassembly.take(frame(true, ByteBuffer.allocate(0)))).isNull();
        assertThat(reassembly.inProgress()).isTrue();
        ByteBuffer message = reassembly.take(frame(false, ByteBuffer.wrap(new byte[] {3})));

        assertThat(ReliableFixture.array(message)).containsExactly(1, 2, 3);
        assertThat(reassembly.inProgress()).isFalse();
        assertThat(reassembly.partial()).isZero();
    }

    @Test
    void aMessageOfExactlyTheLimitIsJoined() {
        assertThat(reassembly.take(frame(true, ByteBuffer.allocate(Reassembly.LIMIT - 1)))).isNull();

        assertThat(reassembly.take(frame(false, ByteBuffer.allocate(1))).remaining()).isEqualTo(Reassembly.LIMIT);
    }

    @Test
    void segmentsBeyondTheLimitAreRefusedAndTheirBytesDropped() {
        reassembly.take(frame(true, ByteBuffer.allocate(Reassembly.LIMIT)));

        assertThatThrownBy(() -> reassembly.take(frame(true, ByteBuffer.allocate(1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Integer.toString(Reassembly.LIMIT));
        assertThat(reassembly.inProgress()).isFalse();
        assertThat(reassembly.partial()).isZero();
    }

    @Test
    void endlessEmptySegmentsHoldNothing() {
        for (int i = 0; i < 100_000; i++) {
            assertThat(reassembly.take(frame(true, ByteBuffer.allocate(0)))).isNull();
        }
        assertThat(reassembly.partial()).isZero();
        assertThat(reassembly.take(frame(false, ByteBuffer.allocate(0))).remaining()).isZero();
    }

    private static Frame frame(boolean more, ByteBuffer payload) {
        return Frame.data(more ? Frame.MORE : 0, 1, 0, 0, 0, 0, payload);
    }
}
