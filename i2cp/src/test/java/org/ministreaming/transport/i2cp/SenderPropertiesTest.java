package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Whatever arrives, finding its sender never throws: an envelope opens or fails with an
 * {@link IOException}, and a SYN payload names a destination or nothing.
 */
class SenderPropertiesTest {

    /** Never started: reading a SYN payload needs no router. */
    private static final I2cpTransport TRANSPORT = I2cpTransport.builder().buildPlain();
    private static final byte[] DESTINATION = I2pKeys.generate().destinationBytes();

    @Property(tries = 2000)
    void openingAnyBytesEitherYieldsAnEnvelopeOrAnIOException(@ForAll @Size(max = 600) byte[] sealed, @ForAll boolean markedFull) {
        if (markedFull && sealed.length > 0) {
            sealed[0] = Envelope.FULL_DESTINATION;
        }
        try {
            Envelope.Opened opened = Envelope.open(sealed);
            assertThat(opened.message().remaining()).isLessThan(sealed.length);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void anySynPayloadNamesADestinationOrNothingWithoutThrowing(@ForAll @Size(max = 600) byte[] payload, @ForAll boolean realStart) {
        if (realStart) {
            System.arraycopy(DESTINATION, 0, payload, 0, Math.min(payload.length, DESTINATION.length));
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload).asReadOnlyBuffer();

        var sender = TRANSPORT.senderOfSyn(buffer);

        assertThat(buffer.position()).isZero();
        if (realStart && payload.length >= DESTINATION.length) {
            assertThat(sender).as("a whole destination, whatever follows it").isPresent();
        }
        if (payload.length < 387) {
            assertThat(sender).as("shorter than any destination").isEmpty();
        }
    }
}
