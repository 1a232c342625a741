package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pKeys;

class DestinationNamesTest {

    private static final I2pKeys KEYS = I2pKeys.generate();

    @Test
    void namesI2pDestinationsByTheirB32NameAndOthersByTheirUri() {
        Destination tcp = Destination.of("tcp://127.0.0.1:7000");

        assertThat(DestinationNames.brief(KEYS.destination())).isEqualTo(KEYS.base32());
        assertThat(DestinationNames.full(KEYS.destination())).isEqualTo(KEYS.destination() + " (" + KEYS.base32() + ")");
        assertThat(DestinationNames.brief(tcp)).isEqualTo("tcp://127.0.0.1:7000");
        assertThat(DestinationNames.full(tcp)).isEqualTo("tcp://127.0.0.1:7000");
    }

    @Test
    void shortensEveryI2pDestinationInAMessage() {
        String message = "connection refused by " + KEYS.destination() + "; no answer from " + KEYS.destination() + " within 60000 ms";

        assertThat(DestinationNames.shorten(message))
                .isEqualTo("connection refused by " + KEYS.base32() + "; no answer from " + KEYS.base32() + " within 60000 ms");
    }

    @Test
    void leavesMessagesWithoutI2pDestinationsAlone() {
        assertThat(DestinationNames.shorten("cannot connect to tcp://127.0.0.1:7000: Connection refused"))
                .isEqualTo("cannot connect to tcp://127.0.0.1:7000: Connection refused");
        assertThat(DestinationNames.shorten("'i2p:abc$' is not an I2P destination")).isEqualTo("'i2p:abc$' is not an I2P destination");
        assertThat(DestinationNames.shorten(null)).isNull();
    }
}
