package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final I2pKeys KEYS = I2pKeys.generate();
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    @Test
    void anEnvelopeCarriesItsSenderAndTheMessageUnchanged() throws IOException {
        ByteBuffer message = ByteBuffer.wrap(new byte[] {0x7E, 1, 2, 3, 4, 5}, 1, 4);

        byte[] sealed = Envelope.seal(KEYS.destinationBytes(), message, NOTHING);
        Envelope.Opened opened = Envelope.open(sealed);

        assertThat(sealed).hasSize(1 + KEYS.destinationBytes().length + 4);
        assertThat(opened.sender()).isEqualTo(KEYS.i2pDestination());
        assertThat(bytes(opened.message())).containsExactly(1, 2, 3, 4);
        assertThat(opened.message().isReadOnly()).isTrue();
        assertThat(message.position()).isEqualTo(1);
    }

    @Test
    void aLongMessageIsAViewOfTheEnvelopeNotACopy() throws IOException {
        int envelope = 1 + KEYS.destinationBytes().length;
        byte[] message = new byte[Envelope.VIEW_RATIO * envelope];
        message[0] = 1;
        byte[] sealed = Envelope.seal(KEYS.destinationBytes(), ByteBuffer.wrap(message, 0, 1), ByteBuffer.wrap(message, 1, message.length - 1));
        Envelope.Opened opened = Envelope.open(sealed);

        sealed[sealed.length - 1] = 9;

        assertThat(opened.message().remaining()).isEqualTo(message.length);
        assertThat(opened.message().get(0)).isEqualTo((byte) 1);
        assertThat(opened.message().get(message.length - 1)).as("the envelope's own byte, seen through the view").isEqualTo((byte) 9);
        assertThat(opened.message().isReadOnly()).isTrue();
    }

    @Test
    void aShortMessageIsCopiedSoItDoesNotKeepTheSendersDestinationAlive() throws IOException {
        byte[] sealed = Envelope.seal(KEYS.destinationBytes(), ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2, 3}));
        Envelope.Opened opened = Envelope.open(sealed);

        sealed[sealed.length - 1] = 9;

        assertThat(bytes(opened.message())).containsExactly(1, 2, 3);
        assertThat(opened.message().isReadOnly()).isTrue();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void classicAndModernDestinationsBothFit() throws IOException {
        for (SigType type : new SigType[] {SigType.DSA_SHA1, SigType.EdDSA_SHA512_Ed25519, SigType.ECDSA_SHA256_P256}) {
            I2pKeys keys = I2pKeys.generate(type);
            Envelope.Opened opened = Envelope.open(Envelope.seal(keys.destinationBytes(), ByteBuffer.wrap(new byte[] {9}), NOTHING));
            assertThat(opened.sender()).as("%s", type).isEqualTo(keys.i2pDestination());
            assertThat(bytes(opened.message())).containsExactly(9);
        }
    }

    @Test
    void whatIsNoEnvelopeIsRefusedWithAnError() {
        byte[] sealed = Envelope.seal(KEYS.destinationBytes(), ByteBuffer.wrap(new byte[] {1}), NOTHING);

        assertThatThrownBy(() -> Envelope.open(new byte[0])).isInstanceOf(IOException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Envelope.open(new byte[] {2, 0})).isInstanceOf(IOException.class).hasMessageContaining("kind 02");
        assertThatThrownBy(() -> Envelope.open(Arrays.copyOf(sealed, 100))).isInstanceOf(IOException.class);
    }
}
