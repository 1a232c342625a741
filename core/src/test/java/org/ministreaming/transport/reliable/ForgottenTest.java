package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;

/** {@link Forgotten}: bounded, oldest out first, an entry taken once. */
class ForgottenTest {

    private final Forgotten forgotten = new Forgotten();

    @Test
    void itHoldsTheLastPeersForgottenUpToItsCapacityAndAPeerThatComesBackTakesItsEntry() {
        for (int i = 0; i <= Forgotten.CAPACITY; i++) {
            forgotten.remember(peer(i), new int[] {i + 1});
        }

        assertThat(forgotten.size()).isEqualTo(Forgotten.CAPACITY);
        assertThat(forgotten.take(peer(0))).as("the oldest went first").isEmpty();
        assertThat(forgotten.take(peer(1))).containsExactly(2);
        assertThat(forgotten.take(peer(1))).as("taken once").isEmpty();
        assertThat(forgotten.size()).isEqualTo(Forgotten.CAPACITY - 1);
    }

    @Test
    void aPeerWithoutEpochsLeavesNothingBehind() {
        forgotten.remember(peer(1), new int[0]);

        assertThat(forgotten.size()).isZero();
    }

    private static Destination peer(int i) {
        return Destination.of("mem:peer" + i);
    }
}
