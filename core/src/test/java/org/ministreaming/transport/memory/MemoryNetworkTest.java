package org.ministreaming.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/** {@link MemoryNetwork}, {@link MemoryTransport}, {@link Inbox} and {@link LinkFaults}. */
class MemoryNetworkTest {

    private static final long WAIT_SECONDS = 5;
    private static final int CHUNK = 64 * 1024;

    private final MemoryNetwork network = new MemoryNetwork(new Random(42));
    private final List<MemoryTransport> endpoints = new ArrayList<>();
    private final List<CountDownLatch> gates = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        gates.forEach(CountDownLatch::countDown);
        endpoints.forEach(MemoryTransport::close);
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        assertThat(liveThreadNames()).as("delivery threads left").noneMatch(name -> name.startsWith("ministreaming-memory-"));
    }

    // ---------------------------------------------------------------- delivery

    @Test
    void messagesBetweenAPairArriveInOrderOnTheReceiversDeliveryThread() throws IOException {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);

        for (int i = 0; i < 1000; i++) {
            alice.send(bob.localDestination(), text("m" + i));
        }

        for (int i = 0; i < 1000; i++) {
            Event event = bobHears.next();
            assertThat(event.from()).isEqualTo(alice.localDestination());
            assertThat(event.text()).isEqualTo("m" + i);
            assertThat(event.thread()).isEqualTo("ministreaming-memory-mem:bob");
        }
    }

    @Test
    void concurrentSendersEachKeepTheirOwnOrder() throws Exception {
        int senders = 4;
        int perSender = 500;
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            MemoryTransport sender = endpoint("sender" + s);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            start("sender" + s, () -> {
                try {
                    go.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    for (int i = 0; i < perSender; i++) {
                        sender.send(bob.localDestination(), text(Integer.toString(i)));
                    }
                    finished.complete(null);
                } catch (Throwable e) {
                    finished.completeExceptionally(e);
                }
            });
        }

        go.countDown();

        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        Map<Destination, List<Integer>> bySender = new HashMap<>();
        for (int i = 0; i < senders * perSender; i++) {
            Event event = bobHears.next();
            bySender.computeIfAbsent(event.from(), from -> new ArrayList<>()).add(Integer.parseInt(event.text()));
        }
        List<Integer> expected = IntStream.range(0, perSender).boxed().toList();
        assertThat(bySender).hasSize(senders);
        bySender.forEach((from, sequence) -> assertThat(sequence).as("from %s", from).isEqualTo(expected));
        assertThat(bobHears.events).isEmpty();
    }

    @Test
    void theDeliveredArrayIsACopyOfTheSentBytes() throws IOException {
        MemoryTransport alice = endpoint("alice");
        CountDownLatch gate = gate();
        Recorder bobHears = new Recorder(gate);
        MemoryTransport bob = started("bob", bobHears);
        byte[] sent = {1, 2, 3};

        alice.send(bob.localDestination(), ByteBuffer.wrap(sent));
        Arrays.fill(sent, (byte) 9);
        gate.countDown();

        assertThat(bobHears.next().bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void sendCarriesOnlyTheRemainingBytesAndLeavesTheBufferAsItWas() throws IOException {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);
        ByteBuffer message = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5}).position(2).limit(5).asReadOnlyBuffer();

        alice.send(bob.localDestination(), message);

        assertThat(bobHears.next().bytes()).containsExactly(2, 3, 4);
        assertThat(message.position()).isEqualTo(2);
        assertThat(message.limit()).isEqualTo(5);
    }

    @Test
    void anEmptyMessageIsDelivered() throws IOException {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);

        alice.send(bob.localDestination(), ByteBuffer.allocate(0));

        assertThat(bobHears.next().bytes()).isEmpty();
    }

    @Test
    void synPayloadIsTheUriInUtf8AndAFreshArrayEachTime() {
        MemoryTransport zoe = endpoint("zoë");

        byte[] payload = zoe.synPayload();

        assertThat(payload).isEqualTo("mem:zoë".getBytes(UTF_8)).hasSize(8);
        payload[0] = 'X';
        assertThat(zoe.synPayload()).isEqualTo("mem:zoë".getBytes(UTF_8));
        assertThat(zoe.localDestination()).isEqualTo(Destination.of("mem:zoë"));
        assertThat(MemoryNetwork.destination("zoë")).isEqualTo(zoe.localDestination());
    }

    // ---------------------------------------------------------------- registration

    @Test
    void aSecondEndpointWithTheSameNameIsRejectedAndTheFirstKeepsWorking() throws IOException {
        Recorder aliceHears = new Recorder();
        MemoryTransport alice = started("alice", aliceHears);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> network.endpoint("alice"))
                .withMessageContaining("mem:alice")
                .withMessageContaining("already registered");

        endpoint("bob").send(alice.localDestination(), text("still here"));
        assertThat(aliceHears.next().text()).isEqualTo("still here");
    }

    @Test
    void theSameNameMayBeUsedOnAnotherNetwork() {
        endpoint("alice");
        MemoryTransport other = new MemoryNetwork().endpoint("alice");
        endpoints.add(other);

        assertThat(other.localDestination()).isEqualTo(Destination.of("mem:alice"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "mem:alice", "a b"})
    void namesThatMakeNoEndpointAreRejected(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> network.endpoint(name));
    }

    @Test
    void sendingToAnUnregisteredNameThrowsConnectExceptionNamingIt() {
        MemoryTransport alice = endpoint("alice");

        assertThatThrownBy(() -> alice.send(Destination.of("mem:nobody"), text("hello?")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("mem:nobody");
    }

    @Test
    void startChecksItsArgumentAndRunsOnce() {
        MemoryTransport alice = endpoint("alice");

        assertThatNullPointerException().isThrownBy(() -> alice.start(null));
        alice.start(new Recorder());
        assertThatIllegalStateException().isThrownBy(() -> alice.start(new Recorder()));
    }

    // ---------------------------------------------------------------- faults

    @Test
    void delayHoldsAMessageBack() throws Exception {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDelay(Duration.ofMillis(200)));

        long sentAt = System.nanoTime();
        alice.send(bob.localDestination(), text("late"));

        assertThat(bobHears.events.poll(100, TimeUnit.MILLISECONDS)).as("arrived within 100 ms").isNull();
        Event event = bobHears.next();
        assertThat(event.text()).isEqualTo("late");
        assertThat(Duration.ofNanos(event.atNanos() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void dropOfOneHundredPercentDeliversNothing() throws IOException {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDropPercent(100));

        for (int i = 0; i < 50; i++) {
            alice.send(bob.localDestination(), text("lost" + i));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        assertThat(bobHears.next().text()).as("first message to arrive").isEqualTo("marker");
        assertThat(bobHears.events).isEmpty();
        assertThat(bob.inbox().size()).isZero();
    }

    @Test
    void dropOfFiftyPercentLosesSomeAndKeepsTheOrderOfTheRest() throws IOException {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDropPercent(50));

        for (int i = 0; i < 400; i++) {
            alice.send(bob.localDestination(), text(Integer.toString(i)));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        List<Integer> arrived = new ArrayList<>();
        for (Event event = bobHears.next(); !event.text().equals("marker"); event = bobHears.next()) {
            arrived.add(Integer.parseInt(event.text()));
        }
        assertThat(arrived).hasSizeBetween(100, 300).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void duplicateOfOneHundredPercentDeliversEachMessageTwiceAsSeparateArrays() throws IOException {
        MemoryTransport alice = endpoint("alice");
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);
        network.setFaults(LinkFaults.NONE.withDuplicatePercent(100));

        for (int i = 0; i < 20; i++) {
            alice.send(bob.localDestination(), text("d" + i));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));

        for (int i = 0; i < 20; i++) {
            Event first = bobHears.next();
            Event second = bobHears.next();
            assertThat(first.text()).isEqualTo("d" + i);
            assertThat(second.text()).isEqualTo("d" + i);
            assertThat(second.bytes()).isNotSameAs(first.bytes());
        }
        assertThat(bobHears.next().text()).isEqualTo("marker");
        assertThat(bobHears.events).isEmpty();
    }

    @Test
    void reorderWindowShufflesLocallyAndDeliversEveryMessageExactlyOnce() throws IOException {
        int window = 8;
        int count = 200;
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");
        network.setFaults(LinkFaults.NONE.withReorderWindow(window));
        for (int i = 0; i < count; i++) {
            alice.send(bob.localDestination(), text(Integer.toString(i)));
        }
        network.setFaults(LinkFaults.NONE);
        alice.send(bob.localDestination(), text("marker"));
        Recorder bobHears = new Recorder();

        bob.start(bobHears);

        List<Integer> arrived = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            arrived.add(Integer.parseInt(bobHears.next().text()));
        }
        assertThat(bobHears.next().text()).isEqualTo("marker");
        assertThat(arrived)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, count).boxed().toList())
                .isNotEqualTo(IntStream.range(0, count).boxed().toList());
        for (int position = 0; position < count; position++) {
            int message = arrived.get(position);
            long earlierOvertaken = arrived.subList(position + 1, count).stream().filter(later -> later < message).count();
            assertThat(earlierOvertaken).as("messages sent before %d that it overtook", message).isLessThanOrEqualTo(window - 1);
        }
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {0, 1})
    void reorderWindowOfZeroOrOneKeepsTheOrder(int window) throws IOException {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");
        network.setFaults(LinkFaults.NONE.withReorderWindow(window));
        for (int i = 0; i < 100; i++) {
            alice.send(bob.localDestination(), text(Integer.toString(i)));
        }
        Recorder bobHears = new Recorder();

        bob.start(bobHears);

        for (int i = 0; i < 100; i++) {
            assertThat(bobHears.next().text()).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void setFaultsRejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> network.setFaults(null));
    }

    // ---------------------------------------------------------------- cut and restore

    @Test
    void cutTellsBothEndsDiscardsWhatIsQueuedBetweenThemAndFailsTheirSends() throws IOException {
        Recorder aliceHears = new Recorder();
        Recorder bobHears = new Recorder();
        Recorder carolHears = new Recorder();
        MemoryTransport alice = started("alice", aliceHears);
        MemoryTransport bob = endpoint("bob");
        MemoryTransport carol = started("carol", carolHears);
        Destination a = alice.localDestination();
        Destination b = bob.localDestination();
        Destination c = carol.localDestination();
        alice.send(b, text("a1"));
        alice.send(b, text("a2"));
        carol.send(b, text("c1"));
        assertThat(bob.inbox().size()).isEqualTo(3);

        network.cut(a, b);

        Event aliceLost = aliceHears.next();
        assertThat(aliceLost.lost()).as("alice's onPeerLost").isNotNull().hasMessageContaining("cut");
        assertThat(aliceLost.from()).isEqualTo(b);
        bob.start(bobHears);
        assertThat(bobHears.next().text()).as("carol's message survives").isEqualTo("c1");
        Event bobLost = bobHears.next();
        assertThat(bobLost.lost()).as("bob's onPeerLost").isNotNull().hasMessageContaining("cut");
        assertThat(bobLost.from()).isEqualTo(a);
        assertThatThrownBy(() -> alice.send(b, text("a3"))).isInstanceOf(IOException.class).hasMessageContaining("cut");
        assertThatThrownBy(() -> bob.send(a, text("b1"))).isInstanceOf(IOException.class).hasMessageContaining("cut");

        carol.send(a, text("c2"));
        carol.send(b, text("c3"));
        alice.send(c, text("a4"));
        bob.send(c, text("b2"));
        assertThat(aliceHears.next().text()).isEqualTo("c2");
        assertThat(bobHears.next().text()).isEqualTo("c3");
        assertThat(carolHears.next().text()).isEqualTo("a4");
        assertThat(carolHears.next().text()).isEqualTo("b2");
        assertThat(aliceHears.events).isEmpty();
        assertThat(bobHears.events).isEmpty();
    }

    @Test
    void restoreMakesSendsWorkAgainAndCuttingACutLinkTellsNobodyTwice() throws IOException {
        Recorder aliceHears = new Recorder();
        Recorder bobHears = new Recorder();
        MemoryTransport alice = started("alice", aliceHears);
        MemoryTransport bob = started("bob", bobHears);
        Destination a = alice.localDestination();
        Destination b = bob.localDestination();
        network.cut(a, b);
        assertThat(aliceHears.next().lost()).isNotNull();
        assertThat(bobHears.next().lost()).isNotNull();

        network.cut(b, a);
        network.restore(b, a);

        alice.send(b, text("hello again"));
        bob.send(a, text("welcome back"));
        assertThat(bobHears.next().text()).as("no second onPeerLost first").isEqualTo("hello again");
        assertThat(aliceHears.next().text()).isEqualTo("welcome back");
    }

    @Test
    void cuttingALinkToAnUnregisteredNameTellsTheRegisteredEnd() {
        Recorder aliceHears = new Recorder();
        MemoryTransport alice = started("alice", aliceHears);

        network.cut(alice.localDestination(), Destination.of("mem:ghost"));

        Event lost = aliceHears.next();
        assertThat(lost.from()).isEqualTo(Destination.of("mem:ghost"));
        assertThat(lost.lost()).isNotNull();
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeStopsTheDeliveryThreadAndUnregistersTheName() throws IOException {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport dave = started("dave", new Recorder());
        String threadName = "ministreaming-memory-mem:dave";
        assertThat(liveThreadNames()).contains(threadName);

        dave.close();

        assertThat(liveThreadNames()).doesNotContain(threadName);
        assertThatThrownBy(() -> alice.send(Destination.of("mem:dave"), text("anyone?")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("mem:dave");
        assertThatThrownBy(() -> dave.send(alice.localDestination(), text("from beyond")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> dave.start(new Recorder()));
        assertThatCode(dave::close).as("second close").doesNotThrowAnyException();

        Recorder newDaveHears = new Recorder();
        started("dave", newDaveHears);
        alice.send(Destination.of("mem:dave"), text("welcome"));
        assertThat(newDaveHears.next().text()).isEqualTo("welcome");
    }

    @Test
    void closeWaitsForACallbackInProgressAndNothingIsDeliveredAfterIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = gate();
        AtomicInteger calls = new AtomicInteger();
        MemoryTransport bob = started("bob", new Recorder() {
            @Override
            public void onMessage(Destination from, byte[] message) {
                calls.incrementAndGet();
                entered.countDown();
                awaitQuietly(gate);
            }
        });
        Thread delivery = liveThread("ministreaming-memory-mem:bob");
        MemoryTransport alice = endpoint("alice");
        alice.send(bob.localDestination(), text("first"));
        alice.send(bob.localDestination(), text("second, never delivered"));
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = start("closer", () -> {
            bob.close();
            closed.complete(null);
        });

        awaitCondition(() -> closer.getState() == Thread.State.WAITING && inMethod(closer, Thread.class, "join"),
                () -> "close() waiting for the delivery thread; closer is " + closer.getState());
        assertThat(delivery.isAlive()).isTrue();
        gate.countDown();

        closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(delivery.isAlive()).as("delivery thread alive after close returned").isFalse();
        assertThat(calls.get()).as("messages handed over").isEqualTo(1);
    }

    @Test
    void closeOfAnEndpointThatNeverStartedUnregistersIt() {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");

        bob.close();

        assertThatThrownBy(() -> alice.send(bob.localDestination(), text("x"))).isInstanceOf(ConnectException.class);
    }

    @Test
    void closeFromInsideItsOwnCallbackReturnsAndTheThreadEnds() throws Exception {
        AtomicReference<MemoryTransport> self = new AtomicReference<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        MemoryTransport bob = started("bob", new Recorder() {
            @Override
            public void onMessage(Destination from, byte[] message) {
                self.get().close();
                closed.complete(null);
            }
        });
        self.set(bob);
        Thread delivery = liveThread("ministreaming-memory-mem:bob");

        endpoint("alice").send(bob.localDestination(), text("close yourself"));

        closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        delivery.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(delivery.isAlive()).isFalse();
    }

    @Test
    void aSenderBlockedOnTheFullInboxOfAnEndpointThatClosesGetsIoException() throws Exception {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");
        fillInbox(alice, bob);
        CompletableFuture<Void> blockedSend = new CompletableFuture<>();
        Thread sender = start("blocked-sender", () -> {
            try {
                alice.send(bob.localDestination(), ByteBuffer.allocate(CHUNK));
                blockedSend.complete(null);
            } catch (Throwable e) {
                blockedSend.completeExceptionally(e);
            }
        });
        awaitCondition(() -> isWaitingForRoom(sender), () -> "sender waiting for room; state " + sender.getState());

        bob.close();

        assertThat(blockedSend).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(IOException.class)
                .withMessageContaining("closed");
    }

    // ---------------------------------------------------------------- inbox bound

    @Test
    void aSenderWaitsOnceTheInboxHoldsItsBoundAndGoesOnWhenTheReceiverResumes() throws Exception {
        int total = 200;
        int delivered = (int) (MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK) + 1; // 128 queued + 1 in the receiver's hands
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = gate();
        CountDownLatch allArrived = new CountDownLatch(total);
        MemoryTransport bob = started("bob", new Recorder() {
            @Override
            public void onMessage(Destination from, byte[] message) {
                entered.countDown();
                awaitQuietly(gate);
                allArrived.countDown();
            }
        });
        MemoryTransport alice = endpoint("alice");
        AtomicInteger completed = new AtomicInteger();
        CompletableFuture<Void> sending = new CompletableFuture<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).asReadOnlyBuffer();
        Thread sender = start("bulk-sender", () -> {
            try {
                for (int i = 0; i < total; i++) {
                    alice.send(bob.localDestination(), chunk);
                    completed.incrementAndGet();
                }
                sending.complete(null);
            } catch (Throwable e) {
                sending.completeExceptionally(e);
            }
        });

        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        awaitCondition(() -> completed.get() == delivered && isWaitingForRoom(sender),
                () -> "sender waiting after " + delivered + " sends; it made " + completed.get() + ", state " + sender.getState());
        assertThat(bob.inbox().size()).isEqualTo(delivered - 1);
        assertThat(sending).isNotDone();

        gate.countDown();

        sending.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(completed.get()).isEqualTo(total);
        assertThat(allArrived.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aMessageLargerThanTheBoundStillGoesIntoAnEmptyInbox() throws Exception {
        Recorder bobHears = new Recorder();
        MemoryTransport bob = started("bob", bobHears);

        endpoint("alice").send(bob.localDestination(), ByteBuffer.allocate((int) MemoryNetwork.DEFAULT_INBOX_BYTES + 1));

        assertThat(bobHears.next().bytes()).hasSize((int) MemoryNetwork.DEFAULT_INBOX_BYTES + 1);
    }

    @Test
    void aSendFromInsideACallbackDoesNotWaitEvenWhenTheTargetInboxIsFull() throws Exception {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport carol = endpoint("carol");
        fillInbox(alice, carol);
        AtomicReference<MemoryTransport> bobRef = new AtomicReference<>();
        CompletableFuture<Void> replied = new CompletableFuture<>();
        MemoryTransport bob = started("bob", new Recorder() {
            @Override
            public void onMessage(Destination from, byte[] message) {
                try {
                    bobRef.get().send(carol.localDestination(), ByteBuffer.allocate(CHUNK));
                    replied.complete(null);
                } catch (Throwable e) {
                    replied.completeExceptionally(e);
                }
            }
        });
        bobRef.set(bob);

        alice.send(bob.localDestination(), text("please forward"));

        replied.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(carol.inbox().size()).as("the bound was exceeded rather than waited for")
                .isEqualTo((int) (MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK) + 1);
    }

    // ---------------------------------------------------------------- LinkFaults

    @Test
    void noneIsAPerfectLink() {
        assertThat(LinkFaults.NONE).isEqualTo(new LinkFaults(Duration.ZERO, 0, 0, 0));
    }

    @Test
    void withMethodsChangeOneSettingAndKeepTheRest() {
        LinkFaults base = new LinkFaults(Duration.ofMillis(5), 1, 2, 3);

        assertThat(base.withDelay(Duration.ofMillis(7))).isEqualTo(new LinkFaults(Duration.ofMillis(7), 1, 2, 3));
        assertThat(base.withDropPercent(10)).isEqualTo(new LinkFaults(Duration.ofMillis(5), 10, 2, 3));
        assertThat(base.withDuplicatePercent(20)).isEqualTo(new LinkFaults(Duration.ofMillis(5), 1, 20, 3));
        assertThat(base.withReorderWindow(30)).isEqualTo(new LinkFaults(Duration.ofMillis(5), 1, 2, 30));
        assertThat(base).isEqualTo(new LinkFaults(Duration.ofMillis(5), 1, 2, 3));
    }

    @Test
    void boundaryValuesAreAccepted() {
        assertThatCode(() -> new LinkFaults(Duration.ZERO, 100, 100, 0)).doesNotThrowAnyException();
        assertThatCode(() -> new LinkFaults(Duration.ofDays(1), 0, 0, Integer.MAX_VALUE)).doesNotThrowAnyException();
    }

    static Stream<Arguments> invalidFaults() {
        return Stream.of(
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ofMillis(-1), 0, 0, 0), "delay must not be negative"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDelay(Duration.ofNanos(-1)), "delay must not be negative"),
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ZERO, -0.01, 0, 0), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDropPercent(100.01), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDropPercent(Double.NaN), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDropPercent(Double.POSITIVE_INFINITY), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ZERO, 0, -1, 0), "duplicatePercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDuplicatePercent(101), "duplicatePercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDuplicatePercent(Double.NaN), "duplicatePercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ZERO, 0, 0, -1), "reorderWindow must be >= 0"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withReorderWindow(Integer.MIN_VALUE), "reorderWindow must be >= 0"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFaults")
    void invalidFaultsAreRejectedNamingTheSetting(Supplier<LinkFaults> make, String message) {
        assertThatIllegalArgumentException().isThrownBy(make::get).withMessageStartingWith(message);
    }

    @Test
    void aNullDelayIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> LinkFaults.NONE.withDelay(null)).withMessage("delay");
    }

    // ---------------------------------------------------------------- helpers

    /** What a receiver heard: a message ({@code bytes}) or a lost peer ({@code lost}). */
    record Event(Destination from, byte[] bytes, IOException lost, long atNanos, String thread) {
        String text() {
            assertThat(bytes).as("a message, not onPeerLost(%s)", lost).isNotNull();
            return new String(bytes, UTF_8);
        }
    }

    /** Records everything it hears; waits for its gate, if any, before recording each message. */
    static class Recorder implements Transport.Receiver {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final CountDownLatch gate;

        Recorder() {
            this(new CountDownLatch(0));
        }

        Recorder(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void onMessage(Destination from, byte[] message) {
            awaitQuietly(gate);
            events.add(new Event(from, message, null, System.nanoTime(), Thread.currentThread().getName()));
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
            events.add(new Event(peer, null, cause, System.nanoTime(), Thread.currentThread().getName()));
        }

        Event next() {
            try {
                Event event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (event == null) {
                    fail("nothing arrived within " + WAIT_SECONDS + " s");
                }
                return event;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private MemoryTransport endpoint(String name) {
        MemoryTransport endpoint = network.endpoint(name);
        endpoints.add(endpoint);
        return endpoint;
    }

    private MemoryTransport started(String name, Transport.Receiver receiver) {
        MemoryTransport endpoint = endpoint(name);
        endpoint.start(receiver);
        return endpoint;
    }

    private CountDownLatch gate() {
        CountDownLatch gate = new CountDownLatch(1);
        gates.add(gate);
        return gate;
    }

    private Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, "test-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static ByteBuffer text(String text) {
        return ByteBuffer.wrap(text.getBytes(UTF_8));
    }

    /** Queues exactly {@link MemoryNetwork#DEFAULT_INBOX_BYTES} at {@code to}, which must not be started. */
    private static void fillInbox(MemoryTransport from, MemoryTransport to) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).asReadOnlyBuffer();
        int chunks = (int) (MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK);
        for (int i = 0; i < chunks; i++) {
            from.send(to.localDestination(), chunk);
        }
        assertThat(to.inbox().size()).isEqualTo(chunks);
    }

    /** Whether {@code thread} waits for room inside {@link Inbox#put}, as opposed to running or waiting for the lock. */
    private static boolean isWaitingForRoom(Thread thread) {
        if (thread.getState() != Thread.State.WAITING) {
            return false;
        }
        List<StackTraceElement> stack = Arrays.asList(thread.getStackTrace());
        return inMethod(thread, Inbox.class, "put")
                && stack.stream().anyMatch(f -> f.getClassName().endsWith("ConditionObject") && f.getMethodName().startsWith("await"));
    }

    private static boolean inMethod(Thread thread, Class<?> type, String method) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(type.getName()) && f.getMethodName().equals(method));
    }

    /** Waits, bounded, for a condition that another thread brings about. */
    private static void awaitCondition(BooleanSupplier condition, Supplier<String> description) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + description.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static java.util.Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    private static Thread liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name) && thread.isAlive())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no live thread " + name));
    }
}
