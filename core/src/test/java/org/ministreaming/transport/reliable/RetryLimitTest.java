package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * The retry limit gives a peer up only while it acknowledges nothing new: a frame that is unlucky
 * on a lossy path does not lose a peer that keeps acknowledging others.
 */
class RetryLimitTest extends ReliableFixture {

    private static final int RAW_EPOCH = 0x0BADCAFE;

    @Test
    void aPeerThatAcknowledgedSomethingNewSinceTheLastTryIsTriedAgainNotGivenUp() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        // No timeout before the first acknowledgement; after it, the measured round trip sets a short one.
        ReliableTransport alice = reliable("alice", aliceHears, b -> b.maxRetries(0).initialRto(Duration.ofSeconds(20)).maxRto(Duration.ofSeconds(20)));
        MemoryTransport raw = raw("raw", rawHears);
        CompletableFuture<Integer> sending = Async.run(() -> {
            for (int i = 0; i < 3; i++) {
                alice.send(raw.localDestination(), text("message " + i));
            }
            return 3;
        });
        int epoch = 0;
        for (int seq = 0; seq < 3; seq++) {
            epoch = nextFrame(rawHears).senderEpoch();
        }
        assertThat(sending).succeedsWithin(Await.LIMIT);

        // 1 arrived, 0 did not: RACK sends 0 again once the reordering window has passed.
        raw.send(alice.localDestination(), Frame.ack(RAW_EPOCH, epoch, 0, 0b1).encode());
        assertThat(nextDataFrame(rawHears).seq()).as("0 sent again").isZero();
        // 2 arrives after that second try: the peer is alive, so 0's timeout is a third try, not the end.
        raw.send(alice.localDestination(), Frame.ack(RAW_EPOCH, epoch, 0, 0b11).encode());
        assertThat(nextDataFrame(rawHears).seq()).as("0 tried a third time").isZero();
        aliceHears.assertQuiet();

        // Nothing new since: the next timeout gives the peer up.
        aliceHears.nextLoss(raw.localDestination());
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_LOST, 1L);
    }

    private static Frame nextDataFrame(RecordingReceiver recorder) {
        while (true) {
            Frame frame = nextFrame(recorder);
            if (frame.hasData()) {
                return frame;
            }
        }
    }
}
