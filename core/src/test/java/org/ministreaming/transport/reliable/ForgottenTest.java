package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;

/** {@link Forgotten}: bounded, oldest out first, an entry taken once; which frame resumes a forgotten peer's streams. */
class ForgottenTest {

    private final Forgotten forgotten = new Forgotten();

    @Test
    void itHoldsTheLastPeersForgottenUpToItsCapacityAndAPeerThatComesBackTakesItsEntry() {
        for (int i = 0; i <= Forgotten.CAPACITY; i++) {
            forgotten.remember(peer(i), new Forgotten.Memory(new int[] {i + 1}, 0, 0, 0, -1, 0));
        }

        assertThat(forgotten.size()).isEqualTo(Forgotten.CAPACITY);
        assertThat(forgotten.take(peer(0))).as("the oldest went first").isSameAs(Forgotten.Memory.NONE);
        assertThat(forgotten.take(peer(1)).remoteEpochs()).containsExactly(2);
        assertThat(forgotten.take(peer(1))).as("taken once").isSameAs(Forgotten.Memory.NONE);
        assertThat(forgotten.size()).isEqualTo(Forgotten.CAPACITY - 1);
    }

    @Test
    void aPeerWithoutEpochsLeavesNothingBehind() {
        forgotten.remember(peer(1), new Forgotten.Memory(new int[0], 0, 0, 0, -1, 0));

        assertThat(forgotten.size()).isZero();
    }

    @Test
    void onlyAFrameOfThePeersCurrentEpochToOursOrToNoneResumesTheStreams() {
        int old = 0x0A0A0A0A;
        int theirs = 0x0B0B0B0B;
        int ours = 0x0C0C0C0C;
        Forgotten.Memory memory = new Forgotten.Memory(new int[] {old, theirs}, ours, 5, 7, -1, 0);

        assertThat(memory.resumedBy(Frame.data(theirs, ours, 7, 5, 0, text()))).as("to our epoch").isTrue();
        assertThat(memory.resumedBy(Frame.data(theirs, 0, 7, 0, 0, text()))).as("sent before it heard from us").isTrue();
        assertThat(memory.resumedBy(Frame.ack(Frame.SEGMENTS, theirs, ours, 7, 0))).as("a pure acknowledgement").isTrue();
        assertThat(memory.resumedBy(Frame.data(old, ours, 7, 5, 0, text()))).as("from a retired epoch").isFalse();
        assertThat(memory.resumedBy(Frame.data(0x0D0D0D0D, 0, 0, 0, 0, text()))).as("from a new epoch").isFalse();
        assertThat(memory.resumedBy(Frame.data(theirs, 0x0E0E0E0E, 7, 5, 0, text()))).as("to another epoch of ours").isFalse();
        assertThat(memory.resumedBy(Frame.reset(theirs, ours))).as("a reset").isFalse();
        assertThat(new Forgotten.Memory(new int[] {theirs}, 0, 5, 7, -1, 0).resumedBy(Frame.data(theirs, 0, 7, 0, 0, text())))
                .as("nothing to resume: the peer was plain or never accepted").isFalse();
    }

    private static ByteBuffer text() {
        return ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII));
    }

    private static Destination peer(int i) {
        return Destination.of("mem:peer" + i);
    }
}
