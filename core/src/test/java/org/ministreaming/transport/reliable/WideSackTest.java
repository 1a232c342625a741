package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * Wide SACKs (protocol.md §14, "Wide SACK"): a window beyond the 64 messages of the SACK field
 * is acknowledged selectively to a peer that reads them, and only to such a peer; a data frame
 * keeps its size.
 */
@Timeout(60)
class WideSackTest extends ReliableFixture {

    private static final int RAW_EPOCH = 0x0BADCAFE;

    private final RecordingReceiver aliceHears = new RecordingReceiver();
    private final RecordingReceiver rawHears = new RecordingReceiver();

    @Test
    void aPeerThatReadsWideSacksHearsOfEveryMessageHeldPastTheFirst64() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.window(160));
        MemoryTransport raw = raw("raw", rawHears);

        Frame last = sendHeldFrames(alice, raw, 1, 100, Frame.SEGMENTS | Frame.READS_WIDE);

        assertThat(last.hasData()).as("a pure acknowledgement").isFalse();
        assertThat(last.ack()).as("0 is missing").isZero();
        assertThat(last.sack()).as("1 to 100 held").isEqualTo(Sack.ofWords(-1L, (1L << 36) - 1));
        assertThat(last.readsWide()).as("alice announces that she reads them too").isTrue();
        assertThat(alice.held(raw.localDestination())).isEqualTo(100);
    }

    @Test
    void aPeerThatDoesNotReadThemHearsOnlyTheSackField() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.window(160));
        MemoryTransport raw = raw("raw", rawHears);

        Frame last = sendHeldFrames(alice, raw, 1, 100, Frame.SEGMENTS);

        assertThat(last.sack()).as("1 to 64 of the 100 held").isEqualTo(Sack.of(-1L));
        assertThat(last.flags() & Frame.WIDE_SACK).isZero();
        assertThat(alice.held(raw.localDestination())).isEqualTo(100);
    }

    @Test
    void aDataFrameCarriesTheSackFieldAloneAndTheWideSackFollowsInAPureAcknowledgement() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, options -> slowTimers(options.window(160)));
        MemoryTransport raw = raw("raw", rawHears);
        sendHeldFrames(alice, raw, 1, 99, Frame.SEGMENTS | Frame.READS_WIDE);

        alice.send(raw.localDestination(), text("reply"));
        Frame data = nextFrame(rawHears);
        raw.send(alice.localDestination(), Frame.data(Frame.SEGMENTS | Frame.READS_WIDE, RAW_EPOCH, data.senderEpoch(), 100, 0, 0, text("100")).encode());
        Frame ack = nextFrame(rawHears);

        assertThat(data.hasData()).isTrue();
        assertThat(data.sack()).as("the SACK field only").isEqualTo(Sack.of(-1L));
        assertThat(data.flags() & Frame.WIDE_SACK).isZero();
        assertThat(ack.hasData()).isFalse();
        assertThat(ack.ack()).as("0 is still missing").isZero();
        assertThat(ack.sack()).isEqualTo(Sack.ofWords(-1L, (1L << 36) - 1));
    }

    @Test
    void aWideSackTakesMessagesPastTheFirst64OutOfTheFlight() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, options -> slowTimers(options.window(160).maxInFlight(70)));
        MemoryTransport raw = raw("raw", rawHears);
        start("alice sends", () -> {
            try {
                for (int i = 0; i < 150; i++) {
                    alice.send(raw.localDestination(), text("m" + i));
                }
            } catch (IOException closedAtTheEnd) {
                // The fixture closes alice while she waits for room.
            }
        });
        int aliceEpoch = 0;
        for (int seq = 0; seq < 70; seq++) {
            Frame frame = nextFrame(rawHears);
            assertThat(frame.seq()).isEqualTo(seq);
            aliceEpoch = frame.senderEpoch();
        }

        // 0 is "lost"; 1 to 69 arrived: offsets 0 to 68, five of them past the SACK field.
        raw.send(alice.localDestination(), Frame.ack(Frame.SEGMENTS | Frame.READS_WIDE, RAW_EPOCH, aliceEpoch, 0, Sack.ofWords(-1L, 0b11111)).encode());

        for (int seq = 70; seq < 70 + 69; seq++) {
            Frame frame = nextFrame(rawHears);
            if (frame.seq() == 0) {
                // RACK sends the missing 0 again, once the frames after it were acknowledged.
                frame = nextFrame(rawHears);
            }
            assertThat(frame.seq()).as("the flight's room, 69 frames").isEqualTo(seq);
        }
        assertThat(alice.unacknowledged(raw.localDestination())).as("the window waits for 0, the flight is full again").isEqualTo(139);
    }

    @Test
    void aWideSackNamingMessagesNeverSentCountsOnlyForThoseSent() throws Exception {
        ReliableTransport alice = reliable("alice", aliceHears, options -> slowTimers(options.window(160)));
        MemoryTransport raw = raw("raw", rawHears);
        for (int i = 0; i < 3; i++) {
            alice.send(raw.localDestination(), text("m" + i));
        }
        int aliceEpoch = 0;
        for (int seq = 0; seq < 3; seq++) {
            aliceEpoch = nextFrame(rawHears).senderEpoch();
        }
        long[] everything = new long[Sack.MAX_WORDS];
        Arrays.fill(everything, -1L);

        // 0 and 1 acknowledged, and every bit after 2, the one still out: all for messages never
        // sent. No message after 2 is acknowledged, so RACK sends nothing again.
        raw.send(alice.localDestination(), Frame.ack(Frame.SEGMENTS | Frame.READS_WIDE, RAW_EPOCH, aliceEpoch, 2, Sack.ofWords(everything)).encode());
        Await.until("0 and 1 acknowledged, 2 waiting", () -> alice.unacknowledged(raw.localDestination()) == 1);
        raw.send(alice.localDestination(), Frame.ack(Frame.SEGMENTS | Frame.READS_WIDE, RAW_EPOCH, aliceEpoch, 3, Sack.NONE).encode());
        Await.until("everything acknowledged", () -> alice.unacknowledged(raw.localDestination()) == 0);
        alice.send(raw.localDestination(), text("m3"));

        Frame next = nextFrame(rawHears);
        assertThat(next.seq()).as("the next message goes on from 3").isEqualTo(3);
        assertThat(text(next.payload())).isEqualTo("m3");
        assertThat(alice.unacknowledged(raw.localDestination())).isEqualTo(1);
    }

    /** Timers that never run out during a test, so that no frame of alice's goes twice: raw acknowledges by hand. */
    private static ReliableTransportBuilder slowTimers(ReliableTransportBuilder options) {
        return options.minRto(Duration.ofSeconds(5)).initialRto(Duration.ofSeconds(5)).maxRto(Duration.ofSeconds(10));
    }

    /**
     * Sends alice data frames {@code from} to {@code to} (not 0, which stays missing) with
     * {@code flags}, and returns the acknowledgement of the last: alice acknowledges each at once,
     * as a gap remains.
     */
    private Frame sendHeldFrames(ReliableTransport alice, MemoryTransport raw, int from, int to, int flags) throws Exception {
        Frame ack = null;
        for (int seq = from; seq <= to; seq++) {
            raw.send(alice.localDestination(), Frame.data(flags, RAW_EPOCH, 0, seq, 0, 0, text("m" + seq)).encode());
            ack = nextFrame(rawHears);
            assertThat(ack.hasData()).isFalse();
        }
        assertThat(aliceHears.events).as("nothing in order yet").isEmpty();
        return ack;
    }
}
