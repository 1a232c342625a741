package org.ministreaming.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Transport}'s default methods do for a transport that implements only the essentials. */
class TransportDefaultsTest {

    @Test
    void aMessageInTwoPartsGoesOutAsOneReadOnlyMessageAndLeavesThePartsAsTheyWere() throws IOException {
        Sends transport = new Sends();
        ByteBuffer header = ByteBuffer.wrap(new byte[] {0x7E, 1, 2}).position(1).asReadOnlyBuffer();
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {3, 4}).asReadOnlyBuffer();

        transport.send(Destination.of("mem:peer"), header, payload);

        assertThat(transport.sent).hasSize(1);
        ByteBuffer sent = transport.sent.get(0);
        assertThat(sent.isReadOnly()).isTrue();
        byte[] bytes = new byte[sent.remaining()];
        sent.get(bytes);
        assertThat(bytes).containsExactly(1, 2, 3, 4);
        assertThat(header.position()).isEqualTo(1);
        assertThat(payload.position()).isZero();
    }

    @Test
    void aTransportKnowsItsSendersReadsNoSynPayloadAndAReceiverDropsWhatComesWithoutASender() {
        Sends transport = new Sends();

        assertThat(transport.knowsSenders()).isTrue();
        assertThat(transport.senderOfSyn(ByteBuffer.wrap("mem:peer".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).isEmpty();
        assertThat(new RecordingReceiver().onUnattributed(ByteBuffer.allocate(4))).isFalse();
    }

    @Test
    void aRunIsOfferedPieceByPieceUntilAPieceIsNotTakenAndTheBytesTakenAreCounted() {
        List<String> offered = new ArrayList<>();
        Transport takesTwo = new Sends() {
            @Override
            public boolean sendNow(Destination to, ByteBuffer header, ByteBuffer payload) {
                offered.add(header.remaining() + "+" + payload.get(payload.position()) + "x" + payload.remaining());
                return offered.size() <= 2;
            }
        };
        ByteBuffer header = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
        byte[] bytes = new byte[30];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        ByteBuffer payload = ByteBuffer.wrap(bytes, 2, 28).slice();

        assertThat(takesTwo.sendNow(Destination.of("mem:peer"), header, payload, 8)).as("bytes taken").isEqualTo(16);
        assertThat(offered).as("each piece offered after the header, until one was refused").containsExactly("4+2x8", "4+10x8", "4+18x8");
        assertThat(payload.position()).isZero();
        assertThat(new Sends().sendNow(Destination.of("mem:peer"), header, payload, 8)).as("sends nothing at once").isZero();
        assertThatThrownBy(() -> takesTwo.sendNow(Destination.of("mem:peer"), header, payload, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Records what {@link #send(Destination, ByteBuffer)} is given. */
    private static class Sends implements Transport {
        final List<ByteBuffer> sent = new ArrayList<>();

        @Override
        public Destination localDestination() {
            return Destination.of("mem:self");
        }

        @Override
        public byte[] synPayload() {
            return new byte[0];
        }

        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void send(Destination to, ByteBuffer message) {
            sent.add(message);
        }

        @Override
        public boolean reply(Destination to, ByteBuffer message) {
            sent.add(message);
            return true;
        }

        @Override
        public void close() {
        }
    }
}
