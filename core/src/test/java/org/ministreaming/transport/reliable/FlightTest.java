package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * {@code maxInFlight}: at most that many frames are sent and neither acknowledged nor selectively
 * acknowledged, while the window still lets the sender go past a frame that is missing.
 */
class FlightTest extends ReliableFixture {

    private static final int RAW_EPOCH = 0x0BADCAFE;

    @Test
    void aSelectiveAcknowledgementMakesRoomInTheFlightThoughTheWindowHasNotMoved() throws Exception {
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), b -> b.window(8).maxInFlight(3).maxFrame(30_000));
        MemoryTransport raw = raw("raw", rawHears);

        CompletableFuture<Integer> sending = Async.run(() -> {
            for (int i = 0; i < 5; i++) {
                alice.send(raw.localDestination(), text("message " + i));
            }
            return 5;
        });
        int epoch = 0;
        for (int seq = 0; seq < 3; seq++) {
            Frame frame = nextFrame(rawHears);
            assertThat(frame.seq()).isEqualTo(seq);
            epoch = frame.senderEpoch();
        }
        assertThat(sending).as("the fourth waits for room in the flight").isNotDone();
        assertThat(alice.unacknowledged(raw.localDestination())).isEqualTo(3);

        // seq 0 missing; 1 and 2 arrived: the window's base stays at 0, two frames leave the flight.
        raw.send(alice.localDestination(), Frame.ack(RAW_EPOCH, epoch, 0, 0b11).encode());

        assertThat(nextDataFrame(rawHears).seq()).isEqualTo(3);
        assertThat(nextDataFrame(rawHears).seq()).isEqualTo(4);
        assertThat(sending).succeedsWithin(Await.LIMIT).isEqualTo(5);
        assertThat(alice.unacknowledged(raw.localDestination())).as("0 to 4 numbered, 0 not acknowledged").isEqualTo(5);
    }

    /** The next data frame that is not the retransmission of seq 0, which the missing acknowledgement may cause. */
    private static Frame nextDataFrame(RecordingReceiver recorder) {
        while (true) {
            Frame frame = nextFrame(recorder);
            if (frame.hasData() && frame.seq() != 0) {
                return frame;
            }
        }
    }
}
