package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.RecordingReceiver.Event;

/**
 * Sends while there is no I2CP session: they fail, and the peer is reported lost afterwards by
 * the transport's sender thread, never from inside the send. No router runs here.
 */
@Timeout(60)
class SessionDownTest {

    @Test
    void aSendWithoutASessionFailsAndItsPeerIsReportedLostLaterOnTheSenderThread() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Destination peer = I2pKeys.generate().destination();
        RecordingReceiver above = new RecordingReceiver();
        I2cpTransport transport = I2cpTransport.builder().router("127.0.0.1", port).buildPlain();
        try (transport) {
            assertThatThrownBy(() -> transport.start(above)).isInstanceOf(IOException.class);

            assertThatThrownBy(() -> transport.send(peer, ByteBuffer.wrap(new byte[] {(byte) 0xFF})))
                    .isInstanceOf(IOException.class).hasMessageContaining("not connected to the I2P router");
            assertThat(transport.reply(peer, ByteBuffer.wrap(new byte[] {(byte) 0xFF}))).as("a reply is not sent, and throws nothing")
                    .isFalse();

            Event loss = above.nextLoss(peer);
            assertThat(loss.lost()).hasMessageContaining("not connected to the I2P router");
            assertThat(loss.thread()).as("told by the sender thread, not inside the send").startsWith("ministreaming-i2cp-sender-");
        }
        assertThat(ThreadLeaks.live("ministreaming-i2cp-sender")).as("close ended the sender thread").isEmpty();
    }
}
