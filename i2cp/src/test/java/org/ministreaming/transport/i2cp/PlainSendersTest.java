package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

class PlainSendersTest {

    private static final I2pKeys CLIENT_KEYS = I2pKeys.generate(SigType.DSA_SHA1);
    private static final Destination CLIENT = CLIENT_KEYS.destination();
    private static final Destination SERVER = I2pKeys.generate().destination();
    private static final ConnectionId CLIENT_ID = new ConnectionId(0x123456);
    private static final ConnectionId SERVER_ID = new ConnectionId(0x987654);
    private static final ConnectionId PING_ID = new ConnectionId(0x424242);
    private static final ConnectionId OTHER_ID = new ConnectionId(0x111111);

    private final PlainSenders senders = new PlainSenders();

    @Test
    void aSynNamesItsSenderByTheDestinationItCarries() {
        byte[] syn = bytes(Message.syn(CLIENT_ID, CLIENT_KEYS.destinationBytes()));

        assertThat(syn).hasSize(391);
        assertThat(senders.senderOf(syn)).isEqualTo(CLIENT);
    }

    @Test
    void bytesAfterTheDestinationInASynAreIgnored() {
        byte[] destination = CLIENT_KEYS.destinationBytes();
        byte[] withTrailer = new byte[destination.length + 9];
        System.arraycopy(destination, 0, withTrailer, 0, destination.length);

        assertThat(senders.senderOf(bytes(Message.syn(CLIENT_ID, withTrailer)))).isEqualTo(CLIENT);
    }

    @Test
    void aSynWithATruncatedDestinationHasNoSender() {
        learnIdsOfBothRolesAndAPing();
        byte[] destination = CLIENT_KEYS.destinationBytes();
        byte[] truncated = java.util.Arrays.copyOf(destination, destination.length - 1);

        assertThat(senders.senderOf(bytes(Message.syn(CLIENT_ID, truncated)))).isNull();
        assertThat(senders.senderOf(bytes(Message.syn(CLIENT_ID, new byte[0])))).isNull();
    }

    @Test
    void theServersAnswersComeFromTheDestinationTheSynWentTo() {
        senders.sent(SERVER, buffer(Message.syn(CLIENT_ID, CLIENT_KEYS.destinationBytes())));

        assertThat(senders.senderOf(bytes(Message.ack(CLIENT_ID, SERVER_ID)))).isEqualTo(SERVER);
        assertThat(senders.senderOf(bytes(Message.of(org.ministreaming.wire.MessageType.SERVER_DATA, CLIENT_ID, new byte[] {1})))).isEqualTo(SERVER);
        assertThat(senders.senderOf(bytes(Message.serverClose(CLIENT_ID)))).isEqualTo(SERVER);
        assertThat(senders.senderOf(bytes(Message.serverClose(CLIENT_ID)))).as("a close ends the connection").isNull();
    }

    @Test
    void theClientsMessagesComeFromTheDestinationTheAckWentTo() {
        senders.sent(CLIENT, buffer(Message.ack(CLIENT_ID, SERVER_ID)));

        assertThat(senders.senderOf(bytes(Message.of(org.ministreaming.wire.MessageType.CLIENT_DATA, SERVER_ID, new byte[] {1})))).isEqualTo(CLIENT);
        assertThat(senders.senderOf(bytes(Message.clientClose(SERVER_ID)))).isEqualTo(CLIENT);
        assertThat(senders.senderOf(bytes(Message.clientClose(SERVER_ID)))).isNull();
    }

    @Test
    void idsOfOneRoleDoNotAnswerForTheOther() {
        senders.sent(SERVER, buffer(Message.syn(CLIENT_ID, CLIENT_KEYS.destinationBytes())));

        assertThat(senders.senderOf(bytes(Message.clientClose(CLIENT_ID)))).isNull();
        assertThat(senders.senderOf(bytes(Message.pong(Message.ping(CLIENT_ID, 7))))).isNull();
    }

    @Test
    void aPongComesFromTheDestinationThePingWentToOnce() {
        Message ping = Message.ping(CLIENT_ID, 42);
        senders.sent(SERVER, buffer(ping));

        assertThat(senders.senderOf(bytes(Message.pong(ping)))).isEqualTo(SERVER);
        assertThat(senders.senderOf(bytes(Message.pong(ping)))).isNull();
    }

    @Test
    void unknownIdsPingsChaffAndShortMessagesHaveNoSender() {
        learnIdsOfBothRolesAndAPing();

        assertThat(senders.senderOf(bytes(Message.ack(OTHER_ID, SERVER_ID)))).isNull();
        assertThat(senders.senderOf(bytes(Message.of(org.ministreaming.wire.MessageType.CLIENT_DATA, OTHER_ID, new byte[] {1})))).isNull();
        assertThat(senders.senderOf(bytes(Message.serverClose(OTHER_ID)))).isNull();
        assertThat(senders.senderOf(bytes(Message.ping(CLIENT_ID, 1)))).as("a ping names no sender, even with a known id").isNull();
        assertThat(senders.senderOf(bytes(Message.ping(PING_ID, 9)))).isNull();
        assertThat(senders.senderOf(new byte[] {(byte) 0xFF})).isNull();
        assertThat(senders.senderOf(new byte[] {(byte) 0xFF, 0x12, 0x34, 0x56, 0})).as("chaff, even with a known id").isNull();
        assertThat(senders.senderOf(new byte[] {(byte) 0x50, 0x12, 0x34})).isNull();
        assertThat(senders.senderOf(new byte[] {0x7E, 0x12, 0x34, 0x56, 4})).isNull();
        assertThat(senders.size()).as("nothing learned was forgotten").isEqualTo(3);
    }

    @Test
    void theTableForgetsTheLeastRecentlyUsedIdsBeyondItsCapacity() {
        for (int id = 1; id <= 16_384; id++) {
            senders.sent(SERVER, buffer(Message.ack(CLIENT_ID, new ConnectionId(id))));
        }
        assertThat(senders.size()).as("16,384 ids fit").isEqualTo(16_384);
        assertThat(senders.senderOf(clientData(1))).as("the first id learned, used now").isEqualTo(SERVER);

        senders.sent(SERVER, buffer(Message.ack(CLIENT_ID, new ConnectionId(16_385))));

        assertThat(senders.size()).isEqualTo(16_384);
        assertThat(senders.senderOf(clientData(2))).as("the least recently used id is forgotten").isNull();
        assertThat(senders.senderOf(clientData(1))).as("learned first but used lately, so kept").isEqualTo(SERVER);
        assertThat(senders.senderOf(clientData(3))).isEqualTo(SERVER);
        assertThat(senders.senderOf(clientData(16_385))).isEqualTo(SERVER);
    }

    @Test
    void onlyTheProtocolsTypeBytesArePlain() {
        for (int type = 0; type < 256; type++) {
            boolean expected = (type >= 0xA0 && type <= 0xAF) || (type >= 0x50 && type <= 0x5F) || type == 0xFF;
            assertThat(PlainSenders.isPlain(ByteBuffer.wrap(new byte[] {(byte) type, 0, 0, 1}))).as("type %02X", type).isEqualTo(expected);
        }
        assertThat(PlainSenders.isPlain(ByteBuffer.allocate(0))).isFalse();
    }

    @Test
    void forgettingAPeerDropsEveryIdThatNamesItAndNoOther() {
        learnIdsOfBothRolesAndAPing();
        assertThat(senders.size()).isEqualTo(3);

        senders.forget(SERVER);

        assertThat(senders.size()).as("the client's id stays").isEqualTo(1);
        assertThat(senders.senderOf(bytes(Message.ack(CLIENT_ID, SERVER_ID)))).as("the SYN's id is gone").isNull();
        assertThat(senders.senderOf(bytes(Message.pong(Message.ping(PING_ID, 9))))).as("the ping's id is gone").isNull();
        assertThat(senders.senderOf(clientData(SERVER_ID.value()))).isEqualTo(CLIENT);
    }

    /** Ids the table learns from what this endpoint sends: a SYN and a ping to the server, an ACK to the client. */
    private void learnIdsOfBothRolesAndAPing() {
        senders.sent(SERVER, buffer(Message.syn(CLIENT_ID, CLIENT_KEYS.destinationBytes())));
        senders.sent(CLIENT, buffer(Message.ack(CLIENT_ID, SERVER_ID)));
        senders.sent(SERVER, buffer(Message.ping(PING_ID, 9)));
    }

    private static byte[] clientData(int serverId) {
        return bytes(Message.of(org.ministreaming.wire.MessageType.CLIENT_DATA, new ConnectionId(serverId), new byte[] {1}));
    }

    private static byte[] bytes(Message message) {
        ByteBuffer encoded = message.encoded();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.duplicate().get(bytes);
        return bytes;
    }

    private static ByteBuffer buffer(Message message) {
        return message.encoded();
    }
}
