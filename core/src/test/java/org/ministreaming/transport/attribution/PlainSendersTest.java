package org.ministreaming.transport.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * {@link PlainSenders}: what a sent SYN, ACK or ping teaches, who each arriving message is
 * attributed to, what names nobody, and the table's bounds. A SYN's payload is read by the
 * transport ({@code Transport.senderOfSyn}); here a stand-in reads the client's name in UTF-8.
 */
class PlainSendersTest {

    private static final Destination CLIENT = MemoryNetwork.destination("client");
    private static final Destination SERVER = MemoryNetwork.destination("server");
    private static final byte[] CLIENT_SYN_PAYLOAD = CLIENT.uri().getBytes(StandardCharsets.UTF_8);
    private static final ConnectionId CLIENT_ID = new ConnectionId(0x123456);
    private static final ConnectionId SERVER_ID = new ConnectionId(0x987654);
    private static final ConnectionId PING_ID = new ConnectionId(0x424242);
    private static final ConnectionId OTHER_ID = new ConnectionId(0x111111);

    private final PlainSenders senders = new PlainSenders();

    @Test
    void aSynNamesItsSenderByWhatTheTransportReadsInItsPayload() {
        byte[] syn = bytes(Message.syn(CLIENT_ID, CLIENT_SYN_PAYLOAD));

        assertThat(senders.senderOf(ByteBuffer.wrap(syn), PlainSendersTest::readName)).isEqualTo(CLIENT);
    }

    @Test
    void theTransportIsGivenTheSynsPayloadAloneAndMayKeepNothingOfIt() {
        byte[][] given = new byte[1][];
        ByteBuffer syn = ByteBuffer.wrap(bytes(Message.syn(CLIENT_ID, CLIENT_SYN_PAYLOAD)));

        senders.senderOf(syn, payload -> {
            given[0] = new byte[payload.remaining()];
            payload.get(given[0]);
            return Optional.empty();
        });

        assertThat(given[0]).isEqualTo(CLIENT_SYN_PAYLOAD);
        assertThat(syn.position()).as("the message itself is not moved").isZero();
    }

    @Test
    void aSynWhosePayloadTheTransportCannotReadHasNoSender() {
        learnIdsOfBothRolesAndAPing();

        assertThat(senderOf(bytes(Message.syn(CLIENT_ID, "not a name".getBytes(StandardCharsets.UTF_8))))).isNull();
        assertThat(senderOf(bytes(Message.syn(CLIENT_ID, new byte[0])))).isNull();
    }

    @Test
    void theServersAnswersComeFromTheDestinationTheSynWentTo() {
        senders.sent(SERVER, buffer(Message.syn(CLIENT_ID, CLIENT_SYN_PAYLOAD)), EMPTY);

        assertThat(senderOf(bytes(Message.ack(CLIENT_ID, SERVER_ID)))).isEqualTo(SERVER);
        assertThat(senderOf(bytes(Message.of(org.ministreaming.wire.MessageType.SERVER_DATA, CLIENT_ID, new byte[] {1})))).isEqualTo(SERVER);
        assertThat(senderOf(bytes(Message.serverClose(CLIENT_ID)))).isEqualTo(SERVER);
        assertThat(senderOf(bytes(Message.serverClose(CLIENT_ID)))).as("a close ends the connection").isNull();
    }

    @Test
    void theClientsMessagesComeFromTheDestinationTheAckWentTo() {
        senders.sent(CLIENT, buffer(Message.ack(CLIENT_ID, SERVER_ID)), EMPTY);

        assertThat(senderOf(bytes(Message.of(org.ministreaming.wire.MessageType.CLIENT_DATA, SERVER_ID, new byte[] {1})))).isEqualTo(CLIENT);
        assertThat(senderOf(bytes(Message.clientClose(SERVER_ID)))).isEqualTo(CLIENT);
        assertThat(senderOf(bytes(Message.clientClose(SERVER_ID)))).isNull();
    }

    @Test
    void idsOfOneRoleDoNotAnswerForTheOther() {
        senders.sent(SERVER, buffer(Message.syn(CLIENT_ID, CLIENT_SYN_PAYLOAD)), EMPTY);

        assertThat(senderOf(bytes(Message.clientClose(CLIENT_ID)))).isNull();
        assertThat(senderOf(bytes(Message.pong(Message.ping(CLIENT_ID, 7))))).isNull();
    }

    @Test
    void aPongComesFromTheDestinationThePingWentToOnce() {
        Message ping = Message.ping(CLIENT_ID, 42);
        senders.sent(SERVER, buffer(ping), EMPTY);

        assertThat(senderOf(bytes(Message.pong(ping)))).isEqualTo(SERVER);
        assertThat(senderOf(bytes(Message.pong(ping)))).isNull();
    }

    @Test
    void unknownIdsPingsChaffAndShortMessagesHaveNoSender() {
        learnIdsOfBothRolesAndAPing();

        assertThat(senderOf(bytes(Message.ack(OTHER_ID, SERVER_ID)))).isNull();
        assertThat(senderOf(bytes(Message.of(org.ministreaming.wire.MessageType.CLIENT_DATA, OTHER_ID, new byte[] {1})))).isNull();
        assertThat(senderOf(bytes(Message.serverClose(OTHER_ID)))).isNull();
        assertThat(senderOf(bytes(Message.ping(CLIENT_ID, 1)))).as("a ping names no sender, even with a known id").isNull();
        assertThat(senderOf(bytes(Message.ping(PING_ID, 9)))).isNull();
        assertThat(senderOf(new byte[] {(byte) 0xFF})).isNull();
        assertThat(senderOf(new byte[] {(byte) 0xFF, 0x12, 0x34, 0x56, 0})).as("chaff, even with a known id").isNull();
        assertThat(senderOf(new byte[] {(byte) 0x50, 0x12, 0x34})).isNull();
        assertThat(senderOf(new byte[] {0x7E, 0x12, 0x34, 0x56, 4})).isNull();
        assertThat(senders.size()).as("nothing learned was forgotten").isEqualTo(3);
    }

    @Test
    void theTableForgetsTheLeastRecentlyUsedIdsBeyondItsCapacity() {
        for (int id = 1; id <= 16_384; id++) {
            senders.sent(SERVER, buffer(Message.ack(CLIENT_ID, new ConnectionId(id))), EMPTY);
        }
        assertThat(senders.size()).as("16,384 ids fit").isEqualTo(16_384);
        assertThat(senderOf(clientData(1))).as("the first id learned, used now").isEqualTo(SERVER);

        senders.sent(SERVER, buffer(Message.ack(CLIENT_ID, new ConnectionId(16_385))), EMPTY);

        assertThat(senders.size()).isEqualTo(16_384);
        assertThat(senderOf(clientData(2))).as("the least recently used id is forgotten").isNull();
        assertThat(senderOf(clientData(1))).as("learned first but used lately, so kept").isEqualTo(SERVER);
        assertThat(senderOf(clientData(3))).isEqualTo(SERVER);
        assertThat(senderOf(clientData(16_385))).isEqualTo(SERVER);
    }

    @Test
    void aMessageSentInTwoPartsTeachesWhatItTeachesWhole() {
        byte[] ack = bytes(Message.ack(CLIENT_ID, SERVER_ID));
        for (int split = 0; split <= ack.length; split++) {
            PlainSenders table = new PlainSenders();
            table.sent(CLIENT, ByteBuffer.wrap(ack, 0, split).slice(), ByteBuffer.wrap(ack, split, ack.length - split).slice());

            assertThat(table.senderOf(ByteBuffer.wrap(clientData(SERVER_ID.value())), PlainSendersTest::readName))
                    .as("split after %d bytes", split).isEqualTo(CLIENT);
        }
    }

    @Test
    void forgettingAPeerDropsEveryIdThatNamesItAndNoOther() {
        learnIdsOfBothRolesAndAPing();
        assertThat(senders.size()).isEqualTo(3);

        senders.forget(SERVER);

        assertThat(senders.size()).as("the client's id stays").isEqualTo(1);
        assertThat(senderOf(bytes(Message.ack(CLIENT_ID, SERVER_ID)))).as("the SYN's id is gone").isNull();
        assertThat(senderOf(bytes(Message.pong(Message.ping(PING_ID, 9))))).as("the ping's id is gone").isNull();
        assertThat(senderOf(clientData(SERVER_ID.value()))).isEqualTo(CLIENT);
    }

    /** Ids the table learns from what this endpoint sends: a SYN and a ping to the server, an ACK to the client. */
    private void learnIdsOfBothRolesAndAPing() {
        senders.sent(SERVER, buffer(Message.syn(CLIENT_ID, CLIENT_SYN_PAYLOAD)), EMPTY);
        senders.sent(CLIENT, buffer(Message.ack(CLIENT_ID, SERVER_ID)), EMPTY);
        senders.sent(SERVER, buffer(Message.ping(PING_ID, 9)), EMPTY);
    }

    private static byte[] clientData(int serverId) {
        return bytes(Message.of(org.ministreaming.wire.MessageType.CLIENT_DATA, new ConnectionId(serverId), new byte[] {1}));
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private Destination senderOf(byte[] message) {
        return senders.senderOf(ByteBuffer.wrap(message), PlainSendersTest::readName);
    }

    /** A transport's reading of a SYN payload: here, a known name in UTF-8. */
    private static Optional<Destination> readName(ByteBuffer payload) {
        String name = StandardCharsets.UTF_8.decode(payload).toString();
        return name.equals(CLIENT.uri()) ? Optional.of(CLIENT) : Optional.empty();
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
