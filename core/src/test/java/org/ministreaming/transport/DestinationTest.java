package org.ministreaming.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URISyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Destination}: parsing, scheme, equality and the errors for what is not a destination. */
class DestinationTest {

    /** A real I2P destination is 516 characters of I2P's base64 alphabet, which has '-' and '~'. */
    private static final String I2P_DESTINATION = "i2p:" + "AAAA-~Bz".repeat(64) + "AAAA";

    @ParameterizedTest(name = "{0} has scheme {1}")
    @CsvSource({
        "mem:alice, mem",
        "tcp://127.0.0.1:7000, tcp",
        "tcp://[::1]:7000, tcp",
        "i2p:AAAA, i2p",
    })
    void parsesAbsoluteUrisAndKeepsTheirText(String uri, String scheme) {
        Destination destination = Destination.of(uri);

        assertThat(destination.uri()).isEqualTo(uri);
        assertThat(destination.toString()).isEqualTo(uri);
        assertThat(destination.scheme()).isEqualTo(scheme);
    }

    @Test
    void parsesAFullLengthI2pDestination() {
        Destination destination = Destination.of(I2P_DESTINATION);

        assertThat(destination.scheme()).isEqualTo("i2p");
        assertThat(destination.uri()).hasSize(4 + 516).isEqualTo(I2P_DESTINATION);
    }

    @Test
    void parsesNonAsciiNamesAsTheyAre() {
        assertThat(Destination.of("mem:zoë").uri()).isEqualTo("mem:zoë");
    }

    @Test
    void destinationsWithTheSameUriAreEqualAndHashAlike() {
        Destination a = Destination.of("tcp://127.0.0.1:7000");
        Destination b = Destination.of("tcp://127.0.0.1:7000");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotSameAs(b);
    }

    @Test
    void destinationsWithDifferentUrisAreNotEqual() {
        assertThat(Destination.of("mem:alice"))
                .isNotEqualTo(Destination.of("mem:bob"))
                .isNotEqualTo(Destination.of("tcp://alice:1"))
                .isNotEqualTo("mem:alice")
                .isNotEqualTo(null);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"alice", "", "/alice", "//host:7000/path"})
    void rejectsAUriWithoutAScheme(String uri) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Destination.of(uri))
                .withMessageContaining("needs a scheme")
                .withMessageContaining("'" + uri + "'");
    }

    @ParameterizedTest(name = "''{0}'' fails with {1}")
    @CsvSource(delimiter = '|', value = {
        "mem:a b  | Illegal character in opaque part",
        "mem:     | Expected scheme-specific part",
        ":alice   | Expected scheme name",
        "1abc:x   | Illegal character in scheme name",
        "mem:%zz  | Malformed escape pair",
    })
    void rejectsBadSyntaxSayingWhatIsWrong(String uri, String reason) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Destination.of(uri))
                .withMessageContaining("not a destination URI")
                .withMessageContaining("'" + uri + "'")
                .withMessageContaining(reason)
                .withCauseInstanceOf(URISyntaxException.class);
    }

    @Test
    void rejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> Destination.of(null)).withMessage("uri");
    }
}
