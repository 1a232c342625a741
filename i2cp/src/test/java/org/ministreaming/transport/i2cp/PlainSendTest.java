package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/** What one plain transport hands to I2CP: the largest message arrives whole, a larger one is refused at once, and messages sent just before close still arrive. */
@ExtendWith(SharedRouter.class)
class PlainSendTest {

    @Test
    void theLargestPlainMessageArrivesAndALargerOneIsRefused(I2pRouter router) throws Exception {
        I2cpTransport sender = Endpoints.on(router).buildPlain();
        I2cpTransport receiver = Endpoints.on(router).buildPlain();
        Inbox inbox = new Inbox();
        try (sender; receiver) {
            receiver.start(inbox);
            sender.start(new Inbox());
            byte[] largest = Arrays.copyOf(syn(sender, 1), I2cpTransport.MAX_I2CP_MESSAGE);
            Arrays.fill(largest, syn(sender, 1).length, largest.length, (byte) 0x5A);

            sender.send(receiver.localDestination(), ByteBuffer.wrap(largest));
            assertThat(inbox.messages.poll(30, TimeUnit.SECONDS)).isEqualTo(largest);

            assertThatThrownBy(() -> sender.send(receiver.localDestination(), ByteBuffer.wrap(Arrays.copyOf(largest, largest.length + 1))))
                    .isInstanceOf(IOException.class).hasMessageContaining("more than I2CP carries (40959)");
        }
    }

    @Test
    void messagesSentJustBeforeCloseStillArrive(I2pRouter router) throws Exception {
        I2cpTransport receiver = Endpoints.on(router).buildPlain();
        Inbox inbox = new Inbox();
        try (receiver) {
            receiver.start(inbox);
            for (int round = 1; round <= 5; round++) {
                I2cpTransport sender = Endpoints.on(router).buildPlain();
                sender.start(new Inbox());
                for (int id = 1; id <= 20; id++) {
                    sender.send(receiver.localDestination(), ByteBuffer.wrap(syn(sender, round * 100 + id)));
                }
                sender.close();

                for (int id = 1; id <= 20; id++) {
                    assertThat(inbox.messages.poll(30, TimeUnit.SECONDS)).as("round %d, message %d", round, id).isNotNull();
                }
            }
        }
    }

    /** A plain SYN from {@code sender}: the one plain message that names its sender by itself. */
    private static byte[] syn(I2cpTransport sender, int id) {
        return Message.syn(new ConnectionId(id), sender.synPayload()).toByteArray();
    }

    /** Collects what a transport delivers: plain messages come without a sender, which is not what these tests are about. */
    private static final class Inbox implements Transport.Receiver {
        final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(Destination from, ByteBuffer message) {
            onUnattributed(message);
        }

        @Override
        public boolean onUnattributed(ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            return messages.add(bytes);
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
        }
    }
}
