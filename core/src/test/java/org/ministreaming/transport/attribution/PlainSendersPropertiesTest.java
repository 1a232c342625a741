package org.ministreaming.transport.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * Whatever arrives, finding its sender never throws and names the peer that the protocol says
 * answers with that id, or none.
 */
class PlainSendersPropertiesTest {

    /** The peers this endpoint sends to, and a stranger that only ever sends a SYN. */
    private static final List<Destination> NAMES = List.of(MemoryNetwork.destination("alice"), MemoryNetwork.destination("bob"),
            MemoryNetwork.destination("stranger"));
    private static final List<Destination> PEERS = NAMES.subList(0, 2);
    private static final byte[] SOME_DESTINATION = "mem:someone".getBytes(StandardCharsets.UTF_8);
    /** Few ids, so that arriving messages carry ids this endpoint handed out most of the time, often for both peers. */
    private static final int IDS = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** One step of a conversation: this endpoint sends a plain message to a peer, or a message arrives. */
    private record Step(boolean arrives, int peer, MessageType type, int id, byte[] payload) {
    }

    private enum Kind { CLIENT, SERVER, PONG }

    private record Key(Kind kind, int id) {
    }

    @Property(tries = 1000)
    void eachArrivingMessageIsAttributedToThePeerThatAnswersWithItsId(@ForAll("conversations") List<Step> steps) {
        PlainSenders senders = new PlainSenders();
        Map<Key, Destination> expectedTable = new HashMap<>();
        boolean namedAKnownPeer = false;
        boolean namedWhileTheOtherHoldsIds = false;

        for (Step step : steps) {
            if (!step.arrives()) {
                Destination to = PEERS.get(step.peer());
                senders.sent(to, ByteBuffer.wrap(sentBytes(step)), EMPTY);
                learn(expectedTable, step, to);
                continue;
            }
            Destination expected = expectedSender(expectedTable, step);

            Destination sender = senders.senderOf(ByteBuffer.wrap(arrivingBytes(step)), PlainSendersPropertiesTest::readName);

            assertThat(sender).as("the sender of %s %06X", step.type(), step.id()).isEqualTo(expected);
            if (expected != null && step.type() != MessageType.SYN) {
                namedAKnownPeer = true;
                Destination other = PEERS.get(0).equals(expected) ? PEERS.get(1) : PEERS.get(0);
                namedWhileTheOtherHoldsIds |= expectedTable.containsValue(other);
            }
        }

        Statistics.label("a known peer named").collect(namedAKnownPeer);
        Statistics.label("a known peer named while the other holds ids too").collect(namedWhileTheOtherHoldsIds);
        Statistics.label("a known peer named").coverage(checker -> checker.check(true).percentage(p -> p > 40));
        Statistics.label("a known peer named while the other holds ids too")
                .coverage(checker -> checker.check(true).percentage(p -> p > 30));
    }

    @Property(tries = 2000)
    void anyBytesGetASenderWeSentToOrNone(@ForAll @Size(max = 12) List<@IntRange(min = 1, max = 40) Integer> sentIds,
            @ForAll @Size(max = 600) byte[] arriving) {
        PlainSenders senders = new PlainSenders();
        for (int i = 0; i < sentIds.size(); i++) {
            ConnectionId id = new ConnectionId(sentIds.get(i));
            Destination peer = PEERS.get(i % 2);
            senders.sent(peer, (i % 3 == 0 ? Message.syn(id, SOME_DESTINATION) : i % 3 == 1 ? Message.ack(id, id) : Message.ping(id, i)).encoded(),
                    EMPTY);
        }

        Destination sender = senders.senderOf(ByteBuffer.wrap(arriving), PlainSendersPropertiesTest::readName);

        if (sender != null && MessageType.fromCode(arriving[0]) != MessageType.SYN) {
            assertThat(PEERS).contains(sender);
        }
    }

    @Property(tries = 2000)
    void aSentMessageOfAnyShapeIsLearnedWithoutThrowing(@ForAll @Size(max = 40) byte[] sent, @ForAll @IntRange(max = 40) int split) {
        PlainSenders senders = new PlainSenders();
        int at = Math.min(split, sent.length);

        senders.sent(PEERS.get(0), ByteBuffer.wrap(sent, 0, at).slice(), ByteBuffer.wrap(sent, at, sent.length - at).slice());

        assertThat(senders.size()).isLessThanOrEqualTo(1);
    }

    @Provide
    Arbitrary<List<Step>> conversations() {
        Arbitrary<Integer> ids = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.integers().between(1, IDS)),
                Tuple.of(1, Arbitraries.integers().between(1, 0xFFFFFF)));
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        // Half the messages sent teach an id; half those arriving answer one.
        Arbitrary<Step> send = Combinators.combine(Arbitraries.integers().between(0, 1),
                either(Arbitraries.of(MessageType.SYN, MessageType.ACK, MessageType.PING)), ids, payloads)
                .as((peer, type, id, payload) -> new Step(false, peer, type, id, payload));
        Arbitrary<Step> arrive = Combinators.combine(Arbitraries.integers().between(0, 2),
                either(Arbitraries.of(MessageType.SERVER_DATA, MessageType.ACK, MessageType.SERVER_CLOSE, MessageType.SERVER_CREDIT,
                        MessageType.CLIENT_DATA, MessageType.CLIENT_CLOSE, MessageType.CLIENT_CREDIT, MessageType.PONG)), ids, payloads)
                .as((peer, type, id, payload) -> new Step(true, peer, type, id, payload));
        Arbitrary<Step> step = Arbitraries.oneOf(send, arrive);
        return step.list().ofMinSize(8).ofMaxSize(30).withSizeDistribution(RandomDistribution.uniform());
    }

    /** Any type half the time, one of {@code likely} the other half. */
    private static Arbitrary<MessageType> either(Arbitrary<MessageType> likely) {
        return Arbitraries.frequencyOf(Tuple.of(1, likely), Tuple.of(1, Arbitraries.of(MessageType.values())));
    }

    /** A transport's reading of a SYN payload: one of the names, in UTF-8. */
    private static Optional<Destination> readName(ByteBuffer payload) {
        String name = StandardCharsets.UTF_8.decode(payload).toString();
        return NAMES.stream().filter(peer -> peer.uri().equals(name)).findFirst();
    }

    /** What the protocol says a sent message teaches: who answers with which id. */
    private static void learn(Map<Key, Destination> table, Step sent, Destination to) {
        switch (sent.type()) {
            case SYN -> table.put(new Key(Kind.CLIENT, sent.id()), to);
            case ACK -> table.put(new Key(Kind.SERVER, sent.id()), to);
            case PING -> table.put(new Key(Kind.PONG, sent.id()), to);
            default -> { }
        }
    }

    /**
     * Who sent an arriving message, by the protocol's roles: a SYN names its client; the server's
     * messages carry the client id of a SYN we sent; the client's carry the server id of an ACK we
     * sent; a pong carries a ping's id. A close or a pong is the last message with its id.
     */
    private static Destination expectedSender(Map<Key, Destination> table, Step arriving) {
        MessageType type = arriving.type();
        int id = arriving.id();
        return switch (type) {
            case SYN -> NAMES.get(arriving.peer());
            case SERVER_DATA, ACK, SERVER_CREDIT -> table.get(new Key(Kind.CLIENT, id));
            case SERVER_CLOSE -> table.remove(new Key(Kind.CLIENT, id));
            case CLIENT_DATA, CLIENT_CREDIT -> table.get(new Key(Kind.SERVER, id));
            case CLIENT_CLOSE -> table.remove(new Key(Kind.SERVER, id));
            case PONG -> table.remove(new Key(Kind.PONG, id));
            case PING, CHAFF -> null;
        };
    }

    private static byte[] sentBytes(Step step) {
        return switch (step.type()) {
            case SYN -> message(step.type(), step.id(), SOME_DESTINATION);
            case ACK -> {
                byte[] serverId = new byte[ConnectionId.LENGTH];
                new ConnectionId(step.id()).writeTo(serverId, 0);
                yield message(step.type(), 0x777777, serverId);
            }
            default -> message(step.type(), step.id(), step.payload());
        };
    }

    private static byte[] arrivingBytes(Step step) {
        return message(step.type(), step.id(),
                step.type() == MessageType.SYN ? NAMES.get(step.peer()).uri().getBytes(StandardCharsets.UTF_8) : step.payload());
    }

    private static byte[] message(MessageType type, int id, byte[] payload) {
        byte[] bytes = new byte[1 + ConnectionId.LENGTH + payload.length];
        bytes[0] = (byte) type.code();
        new ConnectionId(id).writeTo(bytes, 1);
        System.arraycopy(payload, 0, bytes, 1 + ConnectionId.LENGTH, payload.length);
        return bytes;
    }
}
