package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * How the reliable layer opens towards a peer it does not know: the opening message goes plain
 * with the layer's offer after it (a probe), the original answers plain, a peer of ours in frames.
 */
@Timeout(60)
class OpeningTest extends ReliableFixture {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    @Test
    void aProbeIsThePlainMessageWithTheOfferAfterIt() {
        ByteBuffer probe = Probe.encode(ByteBuffer.wrap(HEX.parseHex("A1123456AABB")), 0x1A2B3C4D, 7);

        assertThat(HEX.formatHex(array(probe))).isEqualTo("A1123456AABB" + "4D535244" + "01" + "1A2B3C4D" + "00000007");
        Frame frame = Probe.decode(ByteBuffer.wrap(array(probe)));
        assertThat(frame.hasData()).isTrue();
        assertThat(frame.senderEpoch()).isEqualTo(0x1A2B3C4D);
        assertThat(frame.receiverEpoch()).isZero();
        assertThat(frame.seq()).isEqualTo(7);
        assertThat(HEX.formatHex(array(frame.payload()))).isEqualTo("A1123456AABB");
    }

    @Test
    void plainMessagesWithoutAValidTrailerAreNoProbes() {
        String message = "A1123456";
        assertThat(Probe.decode(ByteBuffer.wrap(HEX.parseHex(message + "4D535244" + "02" + "1A2B3C4D" + "00000000")))).as("version 2").isNull();
        assertThat(Probe.decode(ByteBuffer.wrap(HEX.parseHex(message + "4D535245" + "01" + "1A2B3C4D" + "00000000")))).as("another marker").isNull();
        assertThat(Probe.decode(ByteBuffer.wrap(HEX.parseHex(message + "4D535244" + "01" + "00000000" + "00000000")))).as("epoch 0").isNull();
        assertThat(Probe.decode(ByteBuffer.wrap(HEX.parseHex("A11234" + "4D535244" + "01" + "1A2B3C4D" + "00000000")))).as("no whole header before").isNull();
        assertThat(Probe.decode(ByteBuffer.wrap(HEX.parseHex("A0123456" + "68656C6C6F")))).as("data").isNull();
        assertThat(Probe.decode(ByteBuffer.wrap(new byte[0]))).isNull();
    }

    @Test
    void anOpeningMessageGoesPlainWithTheOfferAndOtherMessagesInFrames() throws Exception {
        RecordingReceiver peerHears = new RecordingReceiver();
        MemoryTransport peer = raw("peer", peerHears);
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), options -> options.initialRto(Duration.ofSeconds(5)));

        alice.open(peer.localDestination(), text("A1 syn"));
        alice.send(peer.localDestination(), text("FF ping"));

        byte[] probe = peerHears.next().bytes();
        Frame stands = Probe.decode(ByteBuffer.wrap(probe));
        assertThat(stands).as("a probe").isNotNull();
        assertThat(text(stands.payload())).isEqualTo("A1 syn");
        assertThat(stands.senderEpoch()).isEqualTo(alice.state(peer.localDestination()).localEpoch());
        assertThat(stands.seq()).isZero();
        Frame frame = nextFrame(peerHears);
        assertThat(frame.seq()).isEqualTo(1);
        assertThat(text(frame.payload())).isEqualTo("FF ping");
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PROBES_SENT, 1L).containsEntry(ReliableCounter.MESSAGES_SENT, 2L);
    }

    @Test
    void anUnansweredProbeGoesOnceAndAgainAsTheFrameItStandsFor() throws Exception {
        RecordingReceiver silentHears = new RecordingReceiver();
        MemoryTransport silent = raw("silent", silentHears);
        ReliableTransport alice = reliable("alice", new RecordingReceiver());

        alice.open(silent.localDestination(), text("A1 syn"));

        Frame probe = Probe.decode(ByteBuffer.wrap(silentHears.next().bytes()));
        assertThat(probe).as("a probe first").isNotNull();
        for (int resend = 1; resend <= 2; resend++) {
            Frame again = nextFrame(silentHears);
            assertThat(again.senderEpoch()).as("resend %d", resend).isEqualTo(probe.senderEpoch());
            assertThat(again.receiverEpoch()).isZero();
            assertThat(again.seq()).isEqualTo(probe.seq());
            assertThat(text(again.payload())).isEqualTo("A1 syn");
        }
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PROBES_SENT, 1L);
        assertThat(alice.statistics().get(ReliableCounter.RETRANSMITTED)).isGreaterThanOrEqualTo(2L);
    }

    @Test
    void aPlainPeerOfOursThatMissedTheProbeGetsTheOpeningAgainPlainOnItsHint() throws Exception {
        RecordingReceiver plainHears = new RecordingReceiver();
        MemoryTransport plain = raw("plain", plainHears);
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), options -> options.initialRto(Duration.ofSeconds(5)));
        alice.open(plain.localDestination(), text("A1 syn"));
        alice.send(plain.localDestination(), text("FF ping"));
        assertThat(Probe.decode(ByteBuffer.wrap(plainHears.next().bytes()))).as("the probe, taken as lost").isNotNull();
        assertThat(nextFrame(plainHears).seq()).isEqualTo(1);

        plain.send(alice.localDestination(), Peer.PLAIN_HINT.duplicate());

        assertThat(plainHears.next().text()).as("a peer of ours takes a repeated SYN for its connection").isEqualTo("A1 syn");
        assertThat(plainHears.next().text()).isEqualTo("FF ping");
        assertThat(alice.isPlain(plain.localDestination())).isTrue();
    }

    @Test
    void aPeerThatAnswersInPlainIsPlainAndItsProbeIsNeverSentAgain() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver originalHears = new RecordingReceiver();
        MemoryTransport original = raw("original", originalHears);
        ReliableTransport alice = reliable("alice", aliceHears);
        alice.open(original.localDestination(), text("A1 syn"));
        assertThat(Probe.decode(ByteBuffer.wrap(originalHears.next().bytes()))).isNotNull();

        original.send(alice.localDestination(), text("51 ack"));

        assertThat(aliceHears.next().text()).isEqualTo("51 ack");
        assertThat(alice.isPlain(original.localDestination())).isTrue();
        assertThat(alice.unacknowledged(original.localDestination())).as("nothing left to send again").isZero();
        alice.send(original.localDestination(), text("A0 data"));
        assertThat(originalHears.next().text()).as("the next thing the original hears").isEqualTo("A0 data");
    }

    @Test
    void whatWasSentInFramesBesideAProbeIsSentAgainPlainButTheProbeIsNot() throws Exception {
        RecordingReceiver originalHears = new RecordingReceiver();
        MemoryTransport original = raw("original", originalHears);
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), options -> options.initialRto(Duration.ofSeconds(5)));
        alice.open(original.localDestination(), text("A1 syn"));
        alice.send(original.localDestination(), text("FF ping"));
        assertThat(Probe.decode(ByteBuffer.wrap(originalHears.next().bytes()))).isNotNull();
        assertThat(nextFrame(originalHears).seq()).isEqualTo(1);

        original.send(alice.localDestination(), text("52 refused"));

        assertThat(originalHears.next().text()).isEqualTo("FF ping");
        alice.send(original.localDestination(), text("marker"));
        assertThat(originalHears.next().text()).as("no second SYN before it").isEqualTo("marker");
    }

    @Test
    void openingMessagesThePacerHeldBackGoPlainOnceThePeerAnswersPlain() throws Exception {
        RecordingReceiver originalHears = new RecordingReceiver();
        MemoryTransport original = raw("original", originalHears);
        // Pacing, and a flight of one frame: the second and third SYN are numbered but wait for
        // room, as when many connections open towards a new peer at once.
        ReliableTransport alice = reliable("alice", new RecordingReceiver(),
                options -> options.pacing(true).maxInFlight(1).initialRto(Duration.ofSeconds(5)));
        alice.open(original.localDestination(), text("A1 syn one"));
        alice.open(original.localDestination(), text("A1 syn two"));
        alice.open(original.localDestination(), text("A1 syn three"));
        assertThat(text(Probe.decode(ByteBuffer.wrap(originalHears.next().bytes())).payload())).isEqualTo("A1 syn one");

        original.send(alice.localDestination(), text("51 ack one"));

        assertThat(originalHears.next().text()).as("never sent as a probe, so sent plain now").isEqualTo("A1 syn two");
        assertThat(originalHears.next().text()).isEqualTo("A1 syn three");
        alice.send(original.localDestination(), text("marker"));
        assertThat(originalHears.next().text()).as("the first SYN not again").isEqualTo("marker");
    }

    @Test
    void aPeerOfOursTakesTheProbeAsTheFrameItStandsForAndAnswersInFrames() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);

        alice.open(bob.localDestination(), text("A1 syn"));
        assertThat(bobHears.next().text()).as("without the trailer").isEqualTo("A1 syn");
        bob.send(alice.localDestination(), text("51 ack"));
        assertThat(aliceHears.next().text()).isEqualTo("51 ack");
        alice.send(bob.localDestination(), text("A0 data"));
        assertThat(bobHears.next().text()).isEqualTo("A0 data");

        assertThat(alice.isPlain(bob.localDestination())).isFalse();
        assertThat(bob.isPlain(alice.localDestination())).isFalse();
        assertThat(alice.state(bob.localDestination()).mode()).isEqualTo(Mode.RELIABLE);
        assertThat(bob.state(alice.localDestination()).mode()).isEqualTo(Mode.RELIABLE);
        assertThat(bob.statistics()).containsEntry(ReliableCounter.PROBES_RECEIVED, 1L);
    }

    @Test
    void aProbeThatArrivesTwiceIsDeliveredOnceAndAcknowledgedInAFrame() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        RecordingReceiver aliceHears = new RecordingReceiver();
        ReliableTransport bob = reliable("bob", bobHears);
        MemoryTransport alice = raw("alice", aliceHears);
        ByteBuffer probe = Probe.encode(text("A1 syn"), 0x1A2B3C4D, 0);

        alice.send(bob.localDestination(), probe.duplicate());
        alice.send(bob.localDestination(), probe.duplicate());
        alice.send(bob.localDestination(), Frame.data(0x1A2B3C4D, 0, 1, 0, 0, text("marker")).encode());

        assertThat(bobHears.next().text()).isEqualTo("A1 syn");
        assertThat(bobHears.next().text()).as("the copy was dropped").isEqualTo("marker");
        assertThat(bob.statistics()).containsEntry(ReliableCounter.DUPLICATES_DISCARDED, 1L).containsEntry(ReliableCounter.PROBES_RECEIVED, 2L);
        Frame ack;
        do {
            ack = nextFrame(aliceHears);
        } while (ack.ack() != 2);
        assertThat(ack.receiverEpoch()).as("the epoch the probe carried").isEqualTo(0x1A2B3C4D);
    }

    @Test
    void aPeerToldToStartPlainDeclinesTheOfferAndDeliversTheMessageWithoutIt() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        RecordingReceiver aliceHears = new RecordingReceiver();
        MemoryTransport alice = raw("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears, options -> options.startPlain(alice.localDestination()::equals));

        alice.send(bob.localDestination(), Probe.encode(text("A1 syn"), 0x1A2B3C4D, 0));

        assertThat(bobHears.next().text()).isEqualTo("A1 syn");
        assertThat(bob.isPlain(alice.localDestination())).isTrue();
        bob.send(alice.localDestination(), text("51 ack"));
        assertThat(aliceHears.next().text()).as("answered plain").isEqualTo("51 ack");
    }

    @Test
    void aPlainPeersMessageThatLooksLikeAProbeIsLeftAsItIs() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport original = raw("original", new RecordingReceiver());
        ReliableTransport bob = reliable("bob", bobHears);
        original.send(bob.localDestination(), text("A1 plain syn"));
        assertThat(bobHears.next().text()).isEqualTo("A1 plain syn");

        byte[] data = array(Probe.encode(text("A0 data ending like a probe"), 0x1A2B3C4D, 0));
        original.send(bob.localDestination(), ByteBuffer.wrap(data));

        assertThat(bobHears.next().bytes()).isEqualTo(data);
    }
}
