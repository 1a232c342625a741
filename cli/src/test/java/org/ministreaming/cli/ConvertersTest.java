package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pKeys;

class ConvertersTest {

    @ParameterizedTest
    @CsvSource({
        "localhost:80, localhost, 80",
        "127.0.0.1:65535, 127.0.0.1, 65535",
        "[::1]:8080, ::1, 8080",
    })
    void readsHostAndPort(String text, String host, int port) {
        assertThat(HostPort.parse(text, false)).isEqualTo(new HostPort(host, port));
        assertThat(HostPort.parse(text, false)).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", ":80", "localhost:", "localhost:x", "localhost:0", "localhost:65536", "::1:80", "[]:80"})
    void rejectsWhatIsNoAddressToConnectTo(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(text, false)).withMessageStartingWith("'" + text + "' is not HOST:PORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server.example:80", "my-host.local.:80", "a_b.example:80", "[fe80::1%eth0]:80", "10.0.0.1:443"})
    void takesHostNamesAndAddressesOfEveryUsualForm(String text) {
        assertThat(HostPort.parse(text, false).toString()).isEqualTo(text);
    }

    @Test
    void rejectsAHostNameLongerThanAHostNameMayBeAtOnce() {
        String host = "a".repeat(5000);
        assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(host + ":80", false))
                .withMessageContaining("the host name has 5000 characters, more than the 253 a host name may have");
        String labels = ("a".repeat(60) + ".").repeat(5) + "example";
        assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(labels + ":80", false))
                .withMessageContaining("more than the 253");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad host:80", "-lead.example:80", "a..b:80", "x/y:80", "[1:2:zz]:80"})
    void rejectsHostsThatNoNameOrAddressCanBe(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(text, false))
                .withMessageStartingWith("'" + text + "': the host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:7000", "tls://example.org:1", "tcp://[::1]:65535"})
    void readsDestinationsToDial(String text) {
        assertThat(DestinationConverter.parse(text, false).uri()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:0", "udp://127.0.0.1:7000", "tcp://127.0.0.1", "tcp://127.0.0.1:7000/x",
        "tcp://u@127.0.0.1:7000", "tcp:-", "127.0.0.1:7000", "tcp://127.0.0.1:7000?q"})
    void rejectsWhatCannotBeDialled(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DestinationConverter.parse(text, false))
                .withMessage("'" + text + "' is not tcp://HOST:PORT, tls://HOST:PORT, i2p:BASE64 (a destination in I2P's Base64), i2p:NAME.b32.i2p or i2p:HOST.i2p");
    }

    @Test
    void readsI2pDestinationsToDialInTheirCanonicalForm() {
        I2pKeys keys = I2pKeys.generate();
        String base64 = keys.destination().uri().substring("i2p:".length());

        assertThat(DestinationConverter.parse("i2p:" + base64, false)).isEqualTo(keys.destination());
        assertThat(DestinationConverter.parse("I2P:" + base64, false)).isEqualTo(keys.destination());
        assertThatIllegalArgumentException().isThrownBy(() -> DestinationConverter.parse("i2p:" + base64, true))
                .withMessageStartingWith("to listen on I2P, give --i2cp HOST:PORT");
    }

    @Test
    void readsI2pNamesToDialInLowerCase() {
        I2pKeys keys = I2pKeys.generate();

        assertThat(DestinationConverter.parse("i2p:" + keys.base32().toUpperCase(Locale.ROOT), false))
                .isEqualTo(Destination.of("i2p:" + keys.base32()));
        assertThat(DestinationConverter.parse("I2P:Example-Site.I2P", false)).isEqualTo(Destination.of("i2p:example-site.i2p"));
        assertThatIllegalArgumentException().isThrownBy(() -> DestinationConverter.parse("i2p:" + keys.base32(), true))
                .withMessageStartingWith("to listen on I2P, give --i2cp HOST:PORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"i2p:abc.b32.i2p", "i2p:-bad.i2p", "i2p:a..i2p", "i2p:.i2p", "i2p:under_score.i2p",
        "i2p:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.i2p"})
    void rejectsMalformedI2pNames(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DestinationConverter.parse(text, false))
                .withMessageContaining("is not an I2P name: expected i2p:<52 Base32 characters>.b32.i2p or i2p:HOST.i2p");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem:alice", "MEM:alice"})
    void rejectsTheInMemoryNetwork(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DestinationConverter.parse(text, true))
                .withMessageContaining("in-memory network, which exists only inside one process");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:0", "tls://localhost:0"})
    void listensOnAnyPort(String text) {
        assertThat(DestinationConverter.parse(text, true).uri()).isEqualTo(text);
        assertThat(HostPort.parse(text.substring(6), true).port()).isZero();
    }
}
