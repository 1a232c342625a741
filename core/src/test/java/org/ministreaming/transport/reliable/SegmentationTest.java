package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * Segments on the wire (protocol.md §14, "Segments"), with a peer played by hand: who gets them,
 * what they look like, and what a peer that sends bad segments can and cannot do.
 */
class SegmentationTest extends ReliableFixture {

    private static final int MAX_FRAME = 1100;
    private static final int NEAR_FRAME = 2600;
    private static final int RAW_EPOCH = 0x0BADCAFE;

    private final RecordingReceiver aliceHears = new RecordingReceiver();
    private final RecordingReceiver rawHears = new RecordingReceiver();

    @Test
    void aLongMessageGoesInConsecutiveFramesOfAboutEqualSizeToAPeerThatJoinsSegments() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, b -> b.maxFrame(MAX_FRAME));
        MemoryTransport raw = raw("raw", rawHears);
        int aliceEpoch = greetWith(alice, raw, Frame.SEGMENTS);
        byte[] message = randomBytes(5000, 1);

        alice.send(raw.localDestination(), ByteBuffer.wrap(message));

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int frames = 0;
        Frame frame;
        do {
            frame = nextFrame(rawHears);
            assertThat(frame.hasData()).isTrue();
            assertThat(frame.joinsSegments()).as("every frame says alice joins segments").isTrue();
            assertThat(frame.senderEpoch()).isEqualTo(aliceEpoch);
            assertThat(frame.seq()).as("consecutive sequence numbers").isEqualTo(1 + frames);
            assertThat(Frame.HEADER + frame.payload().remaining()).isLessThanOrEqualTo(MAX_FRAME);
            joined.writeBytes(array(frame.payload()));
            frames++;
        } while (frame.hasMore());
        assertThat(frames).as("5000 bytes in frames of at most 1074 payload bytes").isEqualTo(5);
        assertThat(frame.payload().remaining()).as("no small last segment: 5 x 1000").isEqualTo(1000);
        assertThat(joined.toByteArray()).isEqualTo(message);
    }

    @Test
    void toANearPeerLongMessagesGoInTheNearPathsFramesOnceARoundTripIsMeasured() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, b -> b.maxFrame(MAX_FRAME).nearPath(Duration.ofSeconds(10), NEAR_FRAME));
        MemoryTransport raw = raw("raw", rawHears);
        raw.send(alice.localDestination(), Frame.data(Frame.SEGMENTS, RAW_EPOCH, 0, 0, 0, 0, text("hello")).encode());
        assertThat(aliceHears.next().text()).isEqualTo("hello");
        assertThat(nextFrame(rawHears).ack()).isEqualTo(1);
        byte[] message = randomBytes(5000, 4);

        alice.send(raw.localDestination(), ByteBuffer.wrap(message));
        List<Frame> before = nextMessage();
        raw.send(alice.localDestination(), Frame.ack(Frame.SEGMENTS, RAW_EPOCH, before.get(0).senderEpoch(), before.size(), 0).encode());
        alice.send(raw.localDestination(), ByteBuffer.wrap(message));
        List<Frame> after = nextMessage();

        assertThat(before).as("no round trip measured: frames of maxFrame").hasSize(5);
        assertThat(after).as("a round trip far below 10 s: two frames of 2500 bytes").hasSize(2)
                .allSatisfy(frame -> assertThat(Frame.HEADER + frame.payload().remaining()).isLessThanOrEqualTo(NEAR_FRAME));
        assertThat(joined(after)).isEqualTo(message);
    }

    @Test
    void aPeerOfTheFirstVersionGetsWholeMessages() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, b -> b.maxFrame(MAX_FRAME));
        MemoryTransport raw = raw("raw", rawHears);
        greetWith(alice, raw, 0);
        byte[] message = randomBytes(5000, 2);

        alice.send(raw.localDestination(), ByteBuffer.wrap(message));

        Frame frame = nextFrame(rawHears);
        assertThat(frame.hasMore()).isFalse();
        assertThat(array(frame.payload())).as("one frame, as the first version expects").isEqualTo(message);
    }

    @Test
    void segmentsAreJoinedBeforeTheMessageIsHandedOnWhateverTheirOrderOfArrival() throws Exception {
        reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        byte[] message = randomBytes(3000, 3);
        ByteBuffer whole = ByteBuffer.wrap(message);

        raw.send(aliceDestination(), segment(2, false, whole.slice(2000, 1000)));
        raw.send(aliceDestination(), segment(0, true, whole.slice(0, 1000)));
        raw.send(aliceDestination(), segment(0, true, whole.slice(0, 1000)));
        raw.send(aliceDestination(), segment(1, true, whole.slice(1000, 1000)));
        raw.send(aliceDestination(), segment(3, false, ByteBuffer.wrap(new byte[] {42})));

        assertThat(aliceHears.next().bytes()).as("joined once, intact").isEqualTo(message);
        assertThat(aliceHears.next().bytes()).containsExactly(42);
    }

    @Test
    void segmentsAddingUpToMoreThanTheLimitLoseThePeerAndNothingElse() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        RecordingReceiver carolHears = new RecordingReceiver();
        ReliableTransport carol = reliable("carol", carolHears);
        carol.send(aliceDestination(), text("before"));
        assertThat(aliceHears.nextText(carol.localDestination())).isEqualTo("before");

        int segments = Reassembly.LIMIT / 4096 + 1;
        for (int seq = 0; seq < segments; seq++) {
            raw.send(aliceDestination(), segment(seq, true, ByteBuffer.allocate(4096)));
        }

        aliceHears.nextLoss(raw.localDestination());
        assertThat(alice.statistics()).containsEntry(ReliableCounter.OVERSIZED_MESSAGES, 1L);
        carol.send(aliceDestination(), text("after"));
        assertThat(aliceHears.nextText(carol.localDestination())).as("another peer is untouched").isEqualTo("after");
        aliceHears.assertQuiet();
    }

    @Test
    void segmentsThatNeverEndHoldAtMostTheLimitAndGoWhenThePeerStartsAfresh() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        for (int seq = 0; seq < 40; seq++) {
            raw.send(aliceDestination(), segment(seq, true, ByteBuffer.allocate(seq % 2 == 0 ? 0 : 1000)));
        }
        assertThat(nextFrameWithAck(40).sack()).as("all 40 taken").isEqualTo(Sack.NONE);
        aliceHears.assertQuiet();
        alice.forget(raw.localDestination());
        assertThat(alice.peers()).as("a half-joined message keeps the peer").contains(raw.localDestination());

        int newEpoch = 0x0D15EA5E;
        raw.send(aliceDestination(), Frame.data(newEpoch, 0, 0, 0, 0, text("fresh")).encode());

        aliceHears.nextLoss(raw.localDestination());
        assertThat(aliceHears.nextText(raw.localDestination())).as("the half message is gone, not joined").isEqualTo("fresh");
    }

    /** The raw peer says hello with {@code flags} on its data frame; returns alice's epoch from her answer. */
    private int greetWith(ReliableTransport alice, MemoryTransport raw, int flags) throws IOException {
        raw.send(alice.localDestination(), Frame.data(flags, RAW_EPOCH, 0, 0, 0, 0, text("hello")).encode());
        assertThat(aliceHears.next().text()).isEqualTo("hello");
        Frame ack = nextFrame(rawHears);
        assertThat(ack.ack()).isEqualTo(1);
        alice.send(raw.localDestination(), text("hi"));
        Frame hi = nextFrame(rawHears);
        assertThat(hi.seq()).isZero();
        raw.send(alice.localDestination(), Frame.ack(flags, RAW_EPOCH, hi.senderEpoch(), 1, 0).encode());
        return hi.senderEpoch();
    }

    /** The data frames of alice's next message, up to the one without the more flag. */
    private List<Frame> nextMessage() {
        List<Frame> frames = new ArrayList<>();
        Frame frame;
        do {
            frame = nextFrame(rawHears);
            assertThat(frame.hasData()).isTrue();
            frames.add(frame);
        } while (frame.hasMore());
        return frames;
    }

    private static byte[] joined(List<Frame> frames) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        frames.forEach(frame -> joined.writeBytes(array(frame.payload())));
        return joined.toByteArray();
    }

    private Frame nextFrameWithAck(int cumulative) {
        while (true) {
            Frame frame = nextFrame(rawHears);
            if (frame.ack() == cumulative) {
                return frame;
            }
        }
    }

    private static ByteBuffer segment(int seq, boolean more, ByteBuffer payload) {
        return Frame.data(Frame.SEGMENTS | (more ? Frame.MORE : 0), RAW_EPOCH, 0, seq, 0, 0, payload).encode();
    }

    private static Destination aliceDestination() {
        return MemoryNetwork.destination("alice");
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
