package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.transport.Destination;

/** {@link I2pNames}: which {@code i2p:} URIs are names, and which names are well formed. */
class I2pNamesTest {

    @Test
    void namesAreReadInLowerCaseAndOtherUrisAreNoNames() {
        I2pKeys keys = I2pKeys.generate();

        assertThat(I2pNames.name(Destination.of("i2p:" + keys.base32().toUpperCase(java.util.Locale.ROOT)))).contains(keys.base32());
        assertThat(I2pNames.name(Destination.of("i2p:Stats.I2P"))).contains("stats.i2p");
        assertThat(I2pNames.name(Destination.of("i2p:a-b.c-d.i2p"))).contains("a-b.c-d.i2p");
        assertThat(I2pNames.name(keys.destination())).as("a full destination").isEmpty();
        assertThat(I2pNames.name(Destination.of("tcp://stats.i2p:80"))).isEmpty();
        assertThat(I2pNames.isBase32(keys.base32())).isTrue();
        assertThat(I2pNames.isBase32("stats.i2p")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"i2p:.i2p", "i2p:-a.i2p", "i2p:a-.i2p", "i2p:a_b.i2p", "i2p:a..i2p", "i2p:b32.i2p.i2p..i2p",
        "i2p:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b32.i2p", "i2p:a1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b32.i2p"})
    void malformedNamesAreRefusedWithTheFormsExpected(String uri) {
        assertThatIllegalArgumentException().isThrownBy(() -> I2pNames.name(Destination.of(uri)))
                .withMessage("'" + uri + "' is not an I2P name: expected i2p:<52 Base32 characters>.b32.i2p or i2p:HOST.i2p"
                        + " (letters, digits and hyphens, at most 67 characters)");
    }

    @Test
    void aNameIsNoDestinationToSendTo() {
        assertThatIllegalArgumentException().isThrownBy(() -> I2pDestinations.fromUri(Destination.of("i2p:stats.i2p")))
                .withMessage("'i2p:stats.i2p' is an I2P name, which only points at a destination; resolve it first"
                        + " (I2cpTransport.resolve) or give the full destination (i2p:<Base64>)");
    }
}
