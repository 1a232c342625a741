package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryTransport;

/** {@link ReliableTransport} at the message level: delivery, plain peers, epochs, limits, close. */
@Timeout(60)
class ReliableTransportTest extends ReliableFixture {

    // ---------------------------------------------------------------- delivery

    @Test
    void everyMessageArrivesOnceAndInOrderBothWaysOverALossyLink() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);
        network.setFaults(new LinkFaults(Duration.ZERO, 10, 10, 8));
        int count = 3000;

        CompletableFuture<Void> aliceSends = CompletableFuture.runAsync(() -> sendNumbered(alice, bob.localDestination(), "a", count));
        sendNumbered(bob, alice.localDestination(), "b", count);
        aliceSends.get(30, TimeUnit.SECONDS);

        for (int i = 0; i < count; i++) {
            assertThat(bobHears.next().text()).isEqualTo("a" + i);
            assertThat(aliceHears.next().text()).isEqualTo("b" + i);
        }
        Statistics.sum(alice.statistics(), bob.statistics()).forEach((counter, value) -> {
            switch (counter) {
                case RETRANSMITTED, DUPLICATES_DISCARDED, OUT_OF_ORDER_HELD, MESSAGES_SENT, PURE_ACKS_SENT ->
                        assertThat(value).as("%s", counter).isPositive();
                case MESSAGES_DELIVERED -> assertThat(value).isEqualTo(2L * count);
                case PEERS_LOST, PEERS_RESTARTED, STALE_FRAMES, RESETS_SENT, PLAIN_PEERS, MALFORMED_FRAMES -> assertThat(value).as("%s", counter).isZero();
                default -> {
                }
            }
        });
        network.setFaults(LinkFaults.NONE);
        bob.send(alice.localDestination(), text("marker"));
        assertThat(aliceHears.next().text()).as("nothing more arrived before the marker").isEqualTo("marker");
    }

    private static void sendNumbered(ReliableTransport from, Destination to, String prefix, int count) {
        try {
            for (int i = 0; i < count; i++) {
                from.send(to, text(prefix + i));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void framesLookAsDocumentedAndAPeerPlayedByHandCanAcknowledgeThem() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);

        alice.send(raw.localDestination(), text("first"));
        alice.send(raw.localDestination(), text("second"));

        Frame first = nextFrame(rawHears);
        Frame second = nextFrame(rawHears);
        assertThat(first.hasData()).isTrue();
        assertThat(first.senderEpoch()).isNotZero().isEqualTo(second.senderEpoch());
        assertThat(first.receiverEpoch()).isZero();
        assertThat(first.seq()).isZero();
        assertThat(second.seq()).isEqualTo(1);
        assertThat(text(first.payload())).isEqualTo("first");
        assertThat(alice.unacknowledged(raw.localDestination())).isEqualTo(2);

        int rawEpoch = 0x0BADCAFE;
        raw.send(alice.localDestination(), Frame.data(rawEpoch, first.senderEpoch(), 0, 2, 0, text("hello")).encode());

        assertThat(aliceHears.next().text()).isEqualTo("hello");
        Frame ack = nextFrame(rawHears);
        assertThat(ack.hasData()).as("an acknowledgement on its own").isFalse();
        assertThat(ack.senderEpoch()).isEqualTo(first.senderEpoch());
        assertThat(ack.receiverEpoch()).isEqualTo(rawEpoch);
        assertThat(ack.ack()).isEqualTo(1);
        assertThat(alice.unacknowledged(raw.localDestination())).isZero();

        alice.send(raw.localDestination(), text("third"));
        Frame third = nextFrame(rawHears);
        assertThat(third.seq()).isEqualTo(2);
        assertThat(third.receiverEpoch()).isEqualTo(rawEpoch);
        assertThat(third.ack()).as("the acknowledgement rides on data").isEqualTo(1);
    }

    @Test
    void aMessageAheadOfAGapIsHeldAndAcknowledgedSelectively() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        int rawEpoch = 0x0BADCAFE;

        raw.send(alice.localDestination(), Frame.data(rawEpoch, 0, 1, 0, 0, text("one")).encode());
        raw.send(alice.localDestination(), Frame.data(rawEpoch, 0, 3, 0, 0, text("three")).encode());
        Frame sack = nextFrame(rawHears);
        sack = nextFrame(rawHears);
        assertThat(sack.ack()).isZero();
        assertThat(sack.sack()).as("1 and 3 held: bits 0 and 2").isEqualTo(Sack.of(0b101));
        assertThat(alice.held(raw.localDestination())).isEqualTo(2);
        assertThat(aliceHears.events).isEmpty();

        raw.send(alice.localDestination(), Frame.data(rawEpoch, 0, 0, 0, 0, text("zero")).encode());
        assertThat(aliceHears.next().text()).isEqualTo("zero");
        assertThat(aliceHears.next().text()).isEqualTo("one");
        raw.send(alice.localDestination(), Frame.data(rawEpoch, 0, 1, 0, 0, text("one again")).encode());
        raw.send(alice.localDestination(), Frame.data(rawEpoch, 0, 2, 0, 0, text("two")).encode());
        assertThat(aliceHears.next().text()).isEqualTo("two");
        assertThat(aliceHears.next().text()).isEqualTo("three");
        assertThat(alice.held(raw.localDestination())).isZero();
        assertThat(alice.statistics()).containsEntry(ReliableCounter.DUPLICATES_DISCARDED, 1L)
                .containsEntry(ReliableCounter.OUT_OF_ORDER_HELD, 2L).containsEntry(ReliableCounter.MESSAGES_DELIVERED, 4L);
    }

    // ---------------------------------------------------------------- plain peers

    @Test
    void aPeerThatSendsPlainMessagesGetsPlainMessagesBack() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver plainHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport plain = raw("original", plainHears);

        plain.send(alice.localDestination(), text("A1 from the original"));
        assertThat(aliceHears.next().text()).isEqualTo("A1 from the original");
        alice.send(plain.localDestination(), text("51 answer"));

        assertThat(plainHears.next().text()).isEqualTo("51 answer");
        assertThat(alice.isPlain(plain.localDestination())).isTrue();
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PLAIN_PEERS, 1L).containsEntry(ReliableCounter.MESSAGES_SENT, 0L);
    }

    @Test
    void peersNamedToStartPlainGetPlainMessagesFromTheStart() throws Exception {
        RecordingReceiver plainHears = new RecordingReceiver();
        MemoryTransport plain = raw("original", plainHears);
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), options -> options.startPlain(plain.localDestination()::equals));

        alice.send(plain.localDestination(), text("A1 plain SYN"));

        assertThat(plainHears.next().text()).isEqualTo("A1 plain SYN");
        assertThat(alice.isPlain(plain.localDestination())).isTrue();
    }

    @Test
    void whatWasSentInFramesBeforeAPeerTurnedOutPlainIsSentAgainPlainInOrder() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver plainHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.initialRto(Duration.ofSeconds(5)));
        MemoryTransport plain = raw("original", plainHears);
        alice.send(plain.localDestination(), text("m1"));
        alice.send(plain.localDestination(), text("m2"));
        assertThat(nextFrame(plainHears).seq()).isZero();
        assertThat(nextFrame(plainHears).seq()).isEqualTo(1);

        plain.send(alice.localDestination(), text("plain hello"));

        assertThat(aliceHears.next().text()).isEqualTo("plain hello");
        assertThat(plainHears.next().text()).isEqualTo("m1");
        assertThat(plainHears.next().text()).isEqualTo("m2");
        alice.send(plain.localDestination(), text("m3"));
        assertThat(plainHears.next().text()).isEqualTo("m3");
        assertThat(alice.unacknowledged(plain.localDestination())).isZero();
    }

    @Test
    void aFrameFromAPeerWeSpeakPlainToIsDroppedAndAnsweredWithTheOriginalsPing() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver otherHears = new RecordingReceiver();
        MemoryTransport other = raw("other", otherHears);
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.startPlain(other.localDestination()::equals));
        alice.send(other.localDestination(), text("plain first"));
        assertThat(otherHears.next().text()).isEqualTo("plain first");

        other.send(alice.localDestination(), Frame.data(0x12345678, 0, 0, 0, 0, text("crossed")).encode());

        assertThat(otherHears.next().bytes()).containsExactly(0xFF);
        assertThat(alice.statistics()).containsEntry(ReliableCounter.FRAMES_FROM_PLAIN_PEERS, 1L);
        other.send(alice.localDestination(), text("plain again"));
        assertThat(aliceHears.next().text()).as("the frame was not delivered").isEqualTo("plain again");
    }

    @Test
    void twoOfOursWhereOneStartsPlainEndUpPlainWithNothingLostOrDoubled() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.startPlain(d -> true));
        ReliableTransport bob = reliable("bob", bobHears);

        // Both speak at once: alice plain, bob in frames.
        for (int i = 0; i < 20; i++) {
            alice.send(bob.localDestination(), text("a" + i));
            bob.send(alice.localDestination(), text("b" + i));
        }

        // A marker after the last message, waited for at each end: a message delivered late or
        // twice (a frame sent again plain, and then its first copy) would be seen before it.
        Await.until("both ends speak plain to each other",
                () -> alice.isPlain(bob.localDestination()) && bob.isPlain(alice.localDestination()));
        alice.send(bob.localDestination(), text("end"));
        bob.send(alice.localDestination(), text("end"));

        int[] hints = {0};
        assertThat(untilMarker(bobHears, hints)).isEqualTo(IntStream.range(0, 20).mapToObj(i -> "a" + i).toList());
        assertThat(hints[0]).isLessThanOrEqualTo(alice.statistics().get(ReliableCounter.FRAMES_FROM_PLAIN_PEERS).intValue());
        assertThat(untilMarker(aliceHears, new int[1])).isEqualTo(IntStream.range(0, 20).mapToObj(i -> "b" + i).toList());
        assertThat(alice.isPlain(bob.localDestination())).isTrue();
        assertThat(bob.isPlain(alice.localDestination())).isTrue();
    }

    // ---------------------------------------------------------------- retry limit and backpressure

    @Test
    void aPeerThatNeverAcknowledgesIsLostAfterTheRetryLimitAndALaterSendStartsAfresh() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver silentHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears, options -> options
                .minRto(Duration.ofMillis(20)).initialRto(Duration.ofMillis(20)).maxRto(Duration.ofMillis(200)).maxRetries(3));
        MemoryTransport silent = raw("silent", silentHears);
        long start = System.nanoTime();

        alice.send(silent.localDestination(), text("anyone there?"));

        Event lost = aliceHears.next();
        Duration took = Duration.ofNanos(lost.atNanos() - start);
        assertThat(lost.loss()).hasMessage("no acknowledgement from mem:silent after 4 tries");
        assertThat(took).isGreaterThanOrEqualTo(alice.giveUpTime(Duration.ofMillis(20)))
                .as("within the give-up time at the RTO ceiling; the slack only keeps a busy machine from flaking it")
                .isLessThan(alice.giveUpTime(Duration.ofMillis(200)).plusSeconds(10));
        List<Frame> tries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tries.add(nextFrame(silentHears));
        }
        assertThat(tries).extracting(Frame::seq).containsOnly(0);
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_LOST, 1L).containsEntry(ReliableCounter.TIMEOUTS, 3L);
        assertThat(alice.unacknowledged(silent.localDestination())).isZero();

        alice.send(silent.localDestination(), text("again"));
        Frame afresh = nextFrame(silentHears);
        assertThat(afresh.seq()).isZero();
        assertThat(afresh.senderEpoch()).as("a new epoch").isNotEqualTo(tries.get(0).senderEpoch());
        assertThat(text(afresh.payload())).isEqualTo("again");
    }

    @Test
    void aFullWindowMakesSendWaitUntilThePeerIsLost() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.window(4)
                .minRto(Duration.ofMillis(20)).initialRto(Duration.ofMillis(20)).maxRto(Duration.ofMillis(100)).maxRetries(2));
        MemoryTransport silent = raw("silent", new RecordingReceiver());
        for (int i = 0; i < 4; i++) {
            alice.send(silent.localDestination(), text("m" + i));
        }
        CompletableFuture<Throwable> fifth = new CompletableFuture<>();

        Thread sender = start("fifth", () -> {
            try {
                alice.send(silent.localDestination(), text("m4"));
                fifth.complete(null);
            } catch (Throwable e) {
                fifth.complete(e);
            }
        });

        assertThat(aliceHears.next().loss()).hasMessageContaining("no acknowledgement from mem:silent after 3 tries");
        assertThat(fifth.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                .hasMessage("no acknowledgement from mem:silent after 3 tries");
        sender.join();
    }

    @Test
    void repliesNeverWaitAndPastTheirAllowanceAreDropped() throws Exception {
        RecordingReceiver rawHears = new RecordingReceiver();
        MemoryTransport raw = raw("raw", rawHears);
        List<Object> replies = new CopyOnWriteArrayList<>();
        AtomicReference<ReliableTransport> self = new AtomicReference<>();
        RecordingReceiver aliceHears = new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                super.onMessage(from, message);
                replies.add(self.get().reply(from, text("reply")));
            }
        };
        ReliableTransport alice = reliable("alice", aliceHears, options -> options.window(2).callbackAllowance(3)
                .initialRto(Duration.ofSeconds(5)).maxRto(Duration.ofSeconds(5)));
        self.set(alice);

        for (int seq = 0; seq < 6; seq++) {
            raw.send(alice.localDestination(), Frame.data(0x0BADCAFE, 0, seq, 0, 0, text("ask " + seq)).encode());
        }

        for (int i = 0; i < 6; i++) {
            assertThat(aliceHears.next().text()).isEqualTo("ask " + i);
        }
        Await.until("the sixth reply's outcome is in", () -> replies.size() >= 6);
        assertThat(replies).hasSize(6);
        assertThat(replies.subList(0, 5)).as("two in the window, three beyond it").containsOnly(true);
        assertThat(replies.get(5)).as("past the allowance a reply is dropped").isEqualTo(false);
        assertThat(alice.statistics()).containsEntry(ReliableCounter.REPLIES_DROPPED, 1L).containsEntry(ReliableCounter.PEERS_LOST, 0L);
        assertThat(alice.unacknowledged(raw.localDestination())).as("what waits stays bounded").isEqualTo(5);
        assertThat(rawHears.events.stream().filter(e -> Frame.isFrame(ByteBuffer.wrap(e.bytes())) && Frame.decode(ByteBuffer.wrap(e.bytes())).hasData()))
                .as("only the window's worth was sent").hasSizeLessThanOrEqualTo(2);
    }

    // ---------------------------------------------------------------- epochs

    @Test
    void aRestartedPeerIsNoticedBeforeItsFirstMessageIsDelivered() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", new RecordingReceiver());
        alice.send(bob.localDestination(), text("hi bob"));
        bob.send(alice.localDestination(), text("hi alice"));
        assertThat(aliceHears.next().text()).isEqualTo("hi alice");
        // Both acknowledged, so no frame of alice's to the old bob is left to meet the new one.
        Await.until("both messages acknowledged", () -> alice.unacknowledged(bob.localDestination()) == 0
                && bob.unacknowledged(alice.localDestination()) == 0);
        bob.close();

        ReliableTransport bobAgain = reliable("bob", new RecordingReceiver(), options -> options.random(new java.util.Random(99)));
        bobAgain.send(alice.localDestination(), text("I am back"));

        Event restarted = aliceHears.next();
        assertThat(restarted.loss()).hasMessageContaining("mem:bob started afresh");
        assertThat(aliceHears.next().text()).isEqualTo("I am back");
        assertThat(alice.statistics()).containsEntry(ReliableCounter.PEERS_RESTARTED, 1L);
    }

    @Test
    void framesToAPeerThatForgotUsAreAnsweredWithAResetAndNeverDelivered() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        ReliableTransport bob = reliable("bob", bobHears);
        bob.send(alice.localDestination(), text("hi alice"));
        assertThat(aliceHears.next().text()).isEqualTo("hi alice");
        alice.send(bob.localDestination(), text("hi bob"));
        assertThat(bobHears.next().text()).isEqualTo("hi bob");
        Await.until("bob acknowledged", () -> alice.unacknowledged(bob.localDestination()) == 0);
        bob.close();
        RecordingReceiver newBobHears = new RecordingReceiver();
        ReliableTransport bobAgain = reliable("bob", newBobHears, options -> options.random(new java.util.Random(99)));

        alice.send(bob.localDestination(), text("for the old bob"));

        assertThat(aliceHears.next().loss()).hasMessageContaining("mem:bob does not know this endpoint's epoch");
        assertThat(bobAgain.statistics().get(ReliableCounter.RESETS_SENT)).isPositive();
        alice.send(bob.localDestination(), text("for the new bob"));
        assertThat(newBobHears.next().text()).isEqualTo("for the new bob");
        assertThat(newBobHears.events).isEmpty();
    }

    @Test
    void framesOfARetiredEpochAreDropped() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver rawHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", rawHears);
        int oldEpoch = 0x01010101;
        int newEpoch = 0x02020202;
        raw.send(alice.localDestination(), Frame.data(oldEpoch, 0, 0, 0, 0, text("old life")).encode());
        assertThat(aliceHears.next().text()).isEqualTo("old life");
        int aliceEpoch = nextFrame(rawHears).senderEpoch();

        raw.send(alice.localDestination(), Frame.data(newEpoch, aliceEpoch, 0, 0, 0, text("new life")).encode());
        assertThat(aliceHears.next().loss()).hasMessageContaining("started afresh");
        assertThat(aliceHears.next().text()).isEqualTo("new life");
        raw.send(alice.localDestination(), Frame.data(oldEpoch, aliceEpoch, 1, 0, 0, text("delayed from the old life")).encode());
        raw.send(alice.localDestination(), Frame.data(newEpoch, aliceEpoch, 1, 0, 0, text("new life goes on")).encode());

        assertThat(aliceHears.next().text()).isEqualTo("new life goes on");
        assertThat(alice.statistics()).containsEntry(ReliableCounter.STALE_FRAMES, 1L).containsEntry(ReliableCounter.PEERS_RESTARTED, 1L);
        assertThat(alice.state(raw.localDestination()).localEpoch()).as("its own stream went on").isEqualTo(aliceEpoch);
    }

    @Test
    void malformedFramesAreCountedAndDropped() throws Exception {
        RecordingReceiver aliceHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", aliceHears);
        MemoryTransport raw = raw("raw", new RecordingReceiver());

        raw.send(alice.localDestination(), ByteBuffer.wrap(new byte[] {0x7E, 0x01, 0x02}));
        raw.send(alice.localDestination(), text("plain marker"));

        assertThat(aliceHears.next().text()).isEqualTo("plain marker");
        assertThat(alice.statistics()).containsEntry(ReliableCounter.MALFORMED_FRAMES, 1L);
    }

    // ---------------------------------------------------------------- close and options

    @Test
    void closeFailsAWaitingSenderAndStopsTheTimerThread() throws Exception {
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), options -> options.window(1).initialRto(Duration.ofSeconds(5)));
        MemoryTransport silent = raw("silent", new RecordingReceiver());
        alice.send(silent.localDestination(), text("m0"));
        CompletableFuture<Throwable> second = new CompletableFuture<>();
        Thread sender = start("second", () -> {
            try {
                alice.send(silent.localDestination(), text("m1"));
                second.complete(null);
            } catch (Throwable e) {
                second.complete(e);
            }
        });
        Await.until("the sender waits for room", () -> sender.getState() == Thread.State.WAITING);
        assertThat(ThreadLeaks.live(ThreadLeaks.LIBRARY)).contains("ministreaming-reliable-mem:alice");

        alice.close();

        assertThat(second.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(ThreadLeaks.live(ThreadLeaks.LIBRARY)).doesNotContain("ministreaming-reliable-mem:alice", "ministreaming-memory-mem:alice");
        assertThatThrownBy(() -> alice.send(silent.localDestination(), text("late"))).isInstanceOf(IOException.class);
    }

    @Test
    void closeWaitsUpToTheLingerForFramesInFlight() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        ReliableTransport alice = reliable("alice", new RecordingReceiver(), options -> options.closeLinger(Duration.ofSeconds(5)));
        ReliableTransport bob = reliable("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDropPercent(100));
        alice.send(bob.localDestination(), text("last words"));
        network.setFaults(LinkFaults.NONE.withDropPercent(0));

        alice.close();

        assertThat(bobHears.next().text()).as("retransmitted during the linger").isEqualTo("last words");
    }

    @Test
    void theBuilderRefusesNonsense() {
        MemoryTransport inner = network.endpoint("options");
        try {
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).window(0));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).callbackAllowance(-1));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).minRto(Duration.ZERO));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).maxRetries(31));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).ackDelay(Duration.ofMillis(-1)));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner)
                    .minRto(Duration.ofSeconds(2)).maxRto(Duration.ofSeconds(1)).build());
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner)
                    .ackDelay(Duration.ofMillis(200)).build()).withMessageContaining("below minRto");
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).nearPath(Duration.ofMillis(-1), 4096));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner).nearPath(Duration.ofMillis(20), Frame.HEADER));
            assertThatIllegalArgumentException().isThrownBy(() -> ReliableTransport.builder(inner)
                    .maxFrame(4096).nearPath(Duration.ofMillis(20), 2048).build()).withMessageContaining("smaller than maxFrame");
        } finally {
            inner.close();
        }
    }

    @Test
    void theGiveUpTimeAddsTheDoublingTimeoutsUpToTheCeiling() {
        MemoryTransport inner = network.endpoint("options");
        ReliableTransport transport = ReliableTransport.builder(inner).minRto(Duration.ofMillis(200))
                .maxRto(Duration.ofSeconds(60)).maxRetries(8).build();
        try {
            assertThat(transport.giveUpTime(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(200 * 511));
            assertThat(transport.giveUpTime(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1 + 2 + 4 + 8 + 16 + 32 + 60 + 60 + 60));
            assertThat(transport.giveUpTime(Duration.ofMillis(1))).as("at least the floor").isEqualTo(Duration.ofMillis(200 * 511));
        } finally {
            transport.close();
        }
    }

    /**
     * The texts {@code recorder} hears up to the marker {@code "end"}, leaving out the original's
     * 1-byte ping ({@code FF}), which a plain peer answers frames with; counts those in {@code hints[0]}.
     */
    private static List<String> untilMarker(RecordingReceiver recorder, int[] hints) {
        List<String> got = new ArrayList<>();
        while (true) {
            byte[] message = recorder.next().bytes();
            if (message.length == 1 && message[0] == (byte) 0xFF) {
                hints[0]++;
                continue;
            }
            String text = new String(message, java.nio.charset.StandardCharsets.UTF_8);
            if (text.equals("end")) {
                return got;
            }
            got.add(text);
        }
    }
}
