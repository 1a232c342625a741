package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/** Whatever arrives, finding its sender never throws, and names only a peer this endpoint dealt with. */
class SenderPropertiesTest {

    private static final List<Destination> PEERS = List.of(I2pKeys.generate().destination(), I2pKeys.generate().destination());
    private static final byte[] SOME_DESTINATION = I2pKeys.generate().destinationBytes();

    @Property(tries = 2000)
    void anyBytesGetASenderWeSentToOrNone(@ForAll @Size(max = 12) List<@IntRange(min = 1, max = 40) Integer> sentIds,
            @ForAll @Size(max = 600) byte[] arriving) {
        PlainSenders senders = new PlainSenders();
        for (int i = 0; i < sentIds.size(); i++) {
            ConnectionId id = new ConnectionId(sentIds.get(i));
            Destination peer = PEERS.get(i % 2);
            senders.sent(peer, (i % 3 == 0 ? Message.syn(id, SOME_DESTINATION) : i % 3 == 1 ? Message.ack(id, id) : Message.ping(id, i)).encoded());
        }

        Destination sender = senders.senderOf(arriving);

        if (sender != null && MessageType.fromCode(arriving[0]) != MessageType.SYN) {
            assertThat(PEERS).contains(sender);
        }
    }

    @Property(tries = 2000)
    void aSentMessageOfAnyShapeIsLearnedWithoutThrowing(@ForAll @Size(max = 40) byte[] sent) {
        PlainSenders senders = new PlainSenders();

        senders.sent(PEERS.get(0), ByteBuffer.wrap(sent));

        assertThat(senders.size()).isLessThanOrEqualTo(1);
    }

    @Property(tries = 2000)
    void openingAnyBytesEitherYieldsAnEnvelopeOrAnIOException(@ForAll @Size(max = 600) byte[] sealed, @ForAll boolean markedFull) {
        if (markedFull && sealed.length > 0) {
            sealed[0] = Envelope.FULL_DESTINATION;
        }
        try {
            Envelope.Opened opened = Envelope.open(sealed);
            assertThat(opened.message().length).isLessThan(sealed.length);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
