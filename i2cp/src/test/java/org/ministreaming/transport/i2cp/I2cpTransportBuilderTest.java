package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import net.i2p.client.I2PClient;
import org.junit.jupiter.api.Test;

class I2cpTransportBuilderTest {

    @Test
    void sessionsAreUncompressedAndBestEffortByDefault() {
        var options = I2cpTransport.builder().sessionOptions();

        assertThat(options.getProperty(I2cpTransportBuilder.GZIP)).isEqualTo("false");
        assertThat(options.getProperty(I2PClient.PROP_RELIABILITY)).isEqualTo(I2PClient.PROP_RELIABILITY_NONE);
    }

    @Test
    void aSessionOptionOverridesTheDefaults() {
        var options = I2cpTransport.builder().sessionOption("i2cp.gzip", "true").sessionOptions();

        assertThat(options.getProperty("i2cp.gzip")).isEqualTo("true");
    }
}
