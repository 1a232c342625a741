package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.attribution.SenderAttribution;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * What the I2CP transport gives the layer above for plain messages: it does not know their
 * senders, and it reads the destination a SYN's payload carries (which the layer above uses to
 * attribute the SYN). No router is needed: the transports are never started.
 */
class PlainSynTest {

    private static final I2pKeys CLIENT_KEYS = I2pKeys.generate(SigType.DSA_SHA1);
    private final I2cpTransport transport = I2cpTransport.builder().buildPlain();

    @Test
    void aClassicDestinationsSynIs391BytesAndItsPayloadNamesTheClient() {
        ByteBuffer syn = Message.syn(new ConnectionId(0x123456), CLIENT_KEYS.destinationBytes()).encoded();
        assertThat(syn.remaining()).isEqualTo(391);

        assertThat(transport.senderOfSyn(ByteBuffer.wrap(CLIENT_KEYS.destinationBytes()))).contains(CLIENT_KEYS.destination());
    }

    @Test
    void bytesAfterTheDestinationAreIgnored() {
        byte[] destination = CLIENT_KEYS.destinationBytes();
        byte[] withTrailer = Arrays.copyOf(destination, destination.length + 9);

        assertThat(transport.senderOfSyn(ByteBuffer.wrap(withTrailer))).contains(CLIENT_KEYS.destination());
    }

    @Test
    void aTruncatedOrEmptyPayloadNamesNobody() {
        byte[] destination = CLIENT_KEYS.destinationBytes();

        assertThat(transport.senderOfSyn(ByteBuffer.wrap(Arrays.copyOf(destination, destination.length - 1)))).isEmpty();
        assertThat(transport.senderOfSyn(ByteBuffer.allocate(0))).isEmpty();
    }

    @Test
    void theTransportDoesNotKnowItsSendersSoTheLayersAboveAttributeThem() {
        assertThat(transport.knowsSenders()).isFalse();
        Transport attributed = SenderAttribution.over(transport);
        assertThat(attributed).isNotSameAs(transport);
        assertThat(attributed.knowsSenders()).isTrue();
        assertThat(attributed.localDestination()).isEqualTo(transport.localDestination());
    }
}
