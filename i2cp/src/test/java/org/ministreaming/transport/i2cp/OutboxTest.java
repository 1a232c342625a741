package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;

/** {@link Outbox}: bounded, never waits, sends in order on its one thread, tells each loss once, and ends on close. No router runs here. */
@Timeout(60)
class OutboxTest {

    private static final Destination PEER = Destination.of("i2p:peer");
    private static final int SIZE = 32 * 1024;

    private final CountDownLatch routerSlow = new CountDownLatch(1);
    private final List<Outbox.Reply> sent = new CopyOnWriteArrayList<>();
    private final List<String> lost = new CopyOnWriteArrayList<>();
    private final Outbox outbox = new Outbox("test", reply -> {
        awaitQuietly(routerSlow);
        sent.add(reply);
    }, (peer, cause) -> lost.add(peer + ": " + cause.getMessage() + " on " + Thread.currentThread().getName()));

    @Test
    void aSlowRouterFillsTheQueueToItsBoundAndLaterRepliesAreDroppedWithoutWaiting() throws Exception {
        outbox.start();
        assertThat(outbox.offer(reply(0))).isTrue();
        Await.until("the sender thread holds the first reply", () -> outbox.queuedBytes() == 0);
        int offered = 1;
        while (outbox.offer(reply(offered))) {
            offered++;
        }
        assertThat(outbox.queuedBytes()).as("bounded").isLessThanOrEqualTo(Outbox.LIMIT_BYTES);
        assertThat(offered).as("the one the sender thread holds, and a queue's worth")
                .isEqualTo((int) (Outbox.LIMIT_BYTES / SIZE) + 1);
        assertThat(outbox.offer(reply(offered))).isFalse();
        assertThat(outbox.dropped()).isEqualTo(2);

        routerSlow.countDown();
        Await.until("every reply taken is sent", () -> sent.size() == (int) (Outbox.LIMIT_BYTES / SIZE) + 1);
        assertThat(sent).extracting(r -> r.bytes()[0] & 0xFF).isSorted();
        outbox.finishAndJoin();
        assertThat(ThreadLeaks.live("ministreaming-i2cp-sender-test")).isEmpty();
    }

    @Test
    void aLossReportedTwiceWhileTheThreadIsBusyIsToldOnceOnTheSenderThread() throws Exception {
        outbox.start();
        outbox.offer(reply(1));
        Await.until("the sender thread holds the first reply", () -> outbox.queuedBytes() == 0);
        outbox.reportLost(PEER, new IOException("down"));
        outbox.reportLost(PEER, new IOException("down again"));
        outbox.offer(reply(2));
        routerSlow.countDown();
        Await.until("the loss is told and both replies are sent", () -> !lost.isEmpty() && sent.size() == 2);

        outbox.finishAndJoin();

        assertThat(lost).hasSize(1).first().asString().startsWith("i2p:peer: down on ministreaming-i2cp-sender-test");
        assertThat(sent).hasSize(2);
        assertThat(outbox.offer(reply(3))).as("finished").isFalse();
    }

    @Test
    void finishingSendsTheRepliesStillQueuedThenEndsTheThread() {
        outbox.start();
        outbox.offer(reply(1));
        Await.until("the sender thread holds the first reply", () -> outbox.queuedBytes() == 0);
        outbox.offer(reply(2));
        outbox.offer(reply(3));
        routerSlow.countDown();

        outbox.finishAndJoin();

        assertThat(sent).extracting(r -> (int) r.bytes()[0]).containsExactly(1, 2, 3);
        assertThat(ThreadLeaks.live("ministreaming-i2cp-sender-test")).isEmpty();
    }

    private static Outbox.Reply reply(int label) {
        byte[] bytes = new byte[SIZE];
        bytes[0] = (byte) label;
        return new Outbox.Reply(PEER, null, bytes, 0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
