package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandshakeNoncesTest {

    private static final long WINDOW = 120_000;

    @Test
    void aNonceIsAcceptedOnceWhileItCouldStillBeFresh() {
        Nonces nonces = new Nonces(WINDOW, 100);

        assertThat(nonces.accept(7, 1_000, 1_000)).isTrue();
        assertThat(nonces.accept(7, 1_000, 1_000 + 2 * WINDOW)).as("two windows later").isFalse();
        assertThat(nonces.accept(8, 1_000, 1_000)).isTrue();

        assertThat(nonces.accept(9, 1_000 + 2 * WINDOW + 1, 1_000 + 2 * WINDOW + 1)).isTrue();
        assertThat(nonces.size()).as("7 and 8 aged out").isEqualTo(1);
    }

    @Test
    void beyondItsCapacityItForgetsTheOldestAndRefusesHellosNoLaterThanIt() {
        Nonces nonces = new Nonces(WINDOW, 3);
        for (long nonce = 1; nonce <= 3; nonce++) {
            assertThat(nonces.accept(nonce, 1_000 + nonce, 2_000)).isTrue();
        }

        assertThat(nonces.accept(4, 1_010, 2_000)).isTrue();
        assertThat(nonces.size()).isEqualTo(3);

        assertThat(nonces.accept(1, 1_001, 2_000)).as("the forgotten nonce 1: its time is the floor").isFalse();
        assertThat(nonces.accept(5, 1_001, 2_000)).as("any hello as old as the floor").isFalse();
        assertThat(nonces.accept(6, 1_002, 2_000)).isTrue();
    }
}
