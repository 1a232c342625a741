package org.ministreaming.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;

/** {@link MemoryNetwork}, {@link MemoryTransport}, {@link Inbox} and {@link LinkFaults}. */
/** {@link MemoryNetwork} and {@link MemoryTransport}: delivery, registration, close and the inbox bound. */
class MemoryNetworkTest extends MemoryNetworkFixture {

    // ---------------------------------------------------------------- delivery

    @Test
    void aSendToAnIdleEndpointIsHandedOverInOrderOnTheSendersOwnThread() throws IOException {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);

        for (int i = 0; i < 1000; i++) {
            alice.send(bob.localDestination(), text("m" + i));
            assertThat(bobHears.events).as("handed over before send returned").hasSize(i + 1);
        }

        for (int i = 0; i < 1000; i++) {
            Event event = bobHears.next();
            assertThat(event.from()).isEqualTo(alice.localDestination());
            assertThat(event.text()).isEqualTo("m" + i);
            assertThat(event.thread()).isEqualTo(Thread.currentThread().getName());
        }
    }

    @Test
    void whatArrivesWhileAnotherSenderHandsAMessageOverIsHandedOverInOrderByThatSenderUpToItsShareThenByTheDeliveryThread()
            throws Exception {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport carol = endpoint("carol");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = gate();
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                bobHears.onMessage(from, message);
                if (from.equals(carol.localDestination())) {
                    entered.countDown();
                    awaitQuietly(gate);
                }
            }
        });
        Thread busy = start("carol-sender", () -> {
            try {
                carol.send(bob.localDestination(), text("first"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 100; i++) {
            alice.send(bob.localDestination(), text("m" + i));
        }
        assertThat(bob.inbox().size()).as("queued behind the message in the receiver's hands").isEqualTo(100);
        gate.countDown();

        Event first = bobHears.next();
        assertThat(first.text()).isEqualTo("first");
        assertThat(first.thread()).isEqualTo(busy.getName());
        for (int i = 0; i < 100; i++) {
            Event event = bobHears.next();
            assertThat(event.text()).isEqualTo("m" + i);
            assertThat(event.thread()).isEqualTo(i < Inbox.HANDED_OVER_AT_ONCE ? busy.getName() : "ministreaming-memory-mem:bob");
        }
    }

    @Test
    void repliesAndLinksWithFaultsAlwaysGoThroughTheDeliveryThread() throws Exception {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);

        assertThat(alice.reply(bob.localDestination(), text("a reply"))).isTrue();
        network.setFaults(LinkFaults.NONE.withDuplicatePercent(100));
        alice.send(bob.localDestination(), text("twice"));

        for (String expected : List.of("a reply", "twice", "twice")) {
            Event event = bobHears.next();
            assertThat(event.text()).isEqualTo(expected);
            assertThat(event.thread()).isEqualTo("ministreaming-memory-mem:bob");
        }
    }

    @Test
    void concurrentSendersEachKeepTheirOwnOrderAndTheReceiverIsCalledOneAtATime() throws Exception {
        int senders = 4;
        int perSender = 2000;
        RecordingReceiver bobHears = new RecordingReceiver();
        AtomicInteger inCallback = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        MemoryTransport bob = started("bob", new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (inCallback.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                bobHears.onMessage(from, message);
                Thread.yield();
                inCallback.decrementAndGet();
            }
        });
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
        assertThat(overlaps.get()).as("calls of the receiver that overlapped another").isZero();
    }

    @Test
    void theDeliveredArrayIsACopyOfTheSentBytes() throws IOException {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport bob = endpoint("bob");
        byte[] sent = {1, 2, 3};

        alice.send(bob.localDestination(), ByteBuffer.wrap(sent));
        Arrays.fill(sent, (byte) 9);
        RecordingReceiver bobHears = new RecordingReceiver();
        bob.start(bobHears);

        assertThat(bobHears.next().bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void sendCarriesOnlyTheRemainingBytesAndLeavesTheBufferAsItWas() throws IOException {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
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
        RecordingReceiver bobHears = new RecordingReceiver();
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
        RecordingReceiver aliceHears = new RecordingReceiver();
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
        alice.start(new RecordingReceiver());
        assertThatIllegalStateException().isThrownBy(() -> alice.start(new RecordingReceiver()));
    }

    // ---------------------------------------------------------------- close

    @Test
    void aReceiverThatThrowsLosesThatMessageAndTheEndpointKeepsDelivering() throws IOException {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (new String(RecordingReceiver.bytes(message), UTF_8).equals("boom")) {
                    throw new IllegalStateException("receiver defect");
                }
                bobHears.onMessage(from, message);
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
                bobHears.onPeerLost(peer, cause);
            }
        });

        alice.send(bob.localDestination(), text("boom"));
        alice.send(bob.localDestination(), text("after"));

        assertThat(bobHears.next().text()).isEqualTo("after");
    }

    @Test
    void closeStopsTheDeliveryThreadAndUnregistersTheName() throws IOException {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport dave = started("dave", new RecordingReceiver());
        String threadName = "ministreaming-memory-mem:dave";
        assertThat(ThreadLeaks.live(threadName)).contains(threadName);

        dave.close();

        assertThat(ThreadLeaks.live(threadName)).doesNotContain(threadName);
        assertThatThrownBy(() -> alice.send(Destination.of("mem:dave"), text("anyone?")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("mem:dave");
        assertThatThrownBy(() -> dave.send(alice.localDestination(), text("from beyond")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> dave.start(new RecordingReceiver()));
        assertThatCode(dave::close).as("second close").doesNotThrowAnyException();

        RecordingReceiver newDaveHears = new RecordingReceiver();
        started("dave", newDaveHears);
        alice.send(Destination.of("mem:dave"), text("welcome"));
        assertThat(newDaveHears.next().text()).isEqualTo("welcome");
    }

    @ParameterizedTest(name = "handed over on the sender's thread: {0}")
    @ValueSource(booleans = {false, true})
    void closeWaitsForACallbackInProgressAndNothingIsDeliveredAfterIt(boolean onSendersThread) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = gate();
        AtomicInteger calls = new AtomicInteger();
        MemoryTransport bob = started("bob", new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                calls.incrementAndGet();
                entered.countDown();
                awaitQuietly(gate);
            }
        });
        Thread delivery = liveThread("ministreaming-memory-mem:bob");
        MemoryTransport alice = endpoint("alice");
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (onSendersThread) {
            start("sender", () -> {
                try {
                    alice.send(bob.localDestination(), text("first"));
                    sent.complete(null);
                } catch (IOException e) {
                    sent.completeExceptionally(e);
                }
            });
        } else {
            // Queued, so that the delivery thread hands them over.
            bob.inbox().put(new Inbox.Envelope(alice.localDestination(), text("first"), System.nanoTime()), 0, Inbox.Mode.WAIT, () -> true);
            bob.inbox().put(new Inbox.Envelope(alice.localDestination(), text("second, never delivered"), System.nanoTime()), 0, Inbox.Mode.WAIT, () -> true);
            sent.complete(null);
        }
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = start("closer", () -> {
            bob.close();
            closed.complete(null);
        });

        Await.until(() -> "close() waits for the callback in progress; closer is " + closer.getState(),
                () -> isWaitingInInboxClose(closer));
        assertThat(closed).isNotDone();
        gate.countDown();

        closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(delivery.isAlive()).as("delivery thread alive after close returned").isFalse();
        assertThatThrownBy(() -> alice.send(bob.localDestination(), text("after close"))).isInstanceOf(ConnectException.class);
        assertThat(calls.get()).as("messages handed over").isEqualTo(1);
    }

    @Test
    void aReceiverThatClosesItsEndpointFromADeliveryOnASendersThreadReturnsThoughTheDeliveryThreadWaitsForIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = gate();
        AtomicReference<MemoryTransport> self = new AtomicReference<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        List<String> handedOver = new CopyOnWriteArrayList<>();
        MemoryTransport bob = started("bob", new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                handedOver.add(UTF_8.decode(message).toString());
                entered.countDown();
                awaitQuietly(proceed);
                self.get().close();
                closed.complete(null);
            }
        });
        self.set(bob);
        Thread delivery = liveThread("ministreaming-memory-mem:bob");
        MemoryTransport alice = endpoint("alice");
        CompletableFuture<Void> sent = new CompletableFuture<>();
        start("sender", () -> {
            try {
                alice.send(bob.localDestination(), text("close yourself"));
                sent.complete(null);
            } catch (IOException e) {
                sent.completeExceptionally(e);
            }
        });
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(alice.reply(bob.localDestination(), text("queued meanwhile"))).isTrue();
        Await.until(() -> "the delivery thread waits for the sender's delivery lock; it is " + delivery.getState(),
                () -> isWaitingForTheDeliveryLock(delivery));

        proceed.countDown();

        closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
        delivery.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(delivery.isAlive()).as("delivery thread alive after the callback returned").isFalse();
        assertThat(handedOver).containsExactly("close yourself");
    }

    /** Whether {@code thread} waits to take the inbox's delivery lock, with an envelope due. */
    private static boolean isWaitingForTheDeliveryLock(Thread thread) {
        List<StackTraceElement> frames = Arrays.asList(thread.getStackTrace());
        return thread.getState() == Thread.State.WAITING
                && frames.stream().anyMatch(frame -> frame.getClassName().equals(Inbox.class.getName()) && frame.getMethodName().equals("deliverNext"))
                && frames.stream().noneMatch(frame -> frame.getMethodName().equals("awaitDue"));
    }

    /** Whether {@code thread} waits inside the inbox's close, for the callback in progress. */
    private static boolean isWaitingInInboxClose(Thread thread) {
        return thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(Inbox.class.getName()) && frame.getMethodName().equals("close"));
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
        MemoryTransport bob = started("bob", new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
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
        Await.until(() -> "the sender waits for room; state " + sender.getState(), () -> isWaitingForRoom(sender));

        bob.close();

        assertThat(blockedSend).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(IOException.class)
                .withMessageContaining("closed");
    }

    // ---------------------------------------------------------------- inbox bound

    @Test
    void aSenderWaitsOnceTheInboxHoldsItsBoundAndGoesOnWhenTheReceiverTakes() throws Exception {
        int total = 200;
        int queued = (int) (MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK);
        CountDownLatch allArrived = new CountDownLatch(total);
        MemoryTransport bob = endpoint("bob");
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

        Await.until(() -> "the sender waits after " + queued + " sends; it made " + completed.get() + ", state " + sender.getState(),
                () -> completed.get() == queued && isWaitingForRoom(sender));
        assertThat(bob.inbox().size()).isEqualTo(queued);
        assertThat(sending).isNotDone();

        bob.start(new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                allArrived.countDown();
            }
        });

        sending.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(completed.get()).isEqualTo(total);
        assertThat(allArrived.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aMessageLargerThanTheBoundStillGoesIntoAnEmptyInbox() throws Exception {
        RecordingReceiver bobHears = new RecordingReceiver();
        MemoryTransport bob = started("bob", bobHears);

        endpoint("alice").send(bob.localDestination(), ByteBuffer.allocate((int) MemoryNetwork.DEFAULT_INBOX_BYTES + 1));

        assertThat(bobHears.next().bytes()).hasSize((int) MemoryNetwork.DEFAULT_INBOX_BYTES + 1);
    }

    @Test
    void aReplyDoesNotWaitForAFullInboxAndIsRefusedAtTwiceItsBound() throws Exception {
        MemoryTransport alice = endpoint("alice");
        MemoryTransport carol = endpoint("carol");
        fillInbox(alice, carol);
        AtomicReference<MemoryTransport> bobRef = new AtomicReference<>();
        CompletableFuture<Integer> refusedAfter = new CompletableFuture<>();
        MemoryTransport bob = started("bob", new RecordingReceiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                int taken = 0;
                while (bobRef.get().reply(carol.localDestination(), ByteBuffer.allocate(CHUNK).asReadOnlyBuffer())) {
                    taken++;
                }
                refusedAfter.complete(taken);
            }
        });
        bobRef.set(bob);

        alice.send(bob.localDestination(), text("please forward"));

        int perBound = (int) (MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK);
        assertThat(refusedAfter).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .as("replies taken past the bound without waiting, up to twice it").isEqualTo(perBound);
        assertThat(carol.inbox().size()).isEqualTo(2 * perBound);
    }

    @Test
    void aReplyGoesAheadOfASenderWaitingForRoom() throws Exception {
        MemoryTransport alice = endpoint("alice");
        RecordingReceiver carolHears = new RecordingReceiver();
        MemoryTransport carol = endpoint("carol");
        fillInbox(alice, carol);
        CompletableFuture<Void> waiting = org.ministreaming.Async.run(() -> {
            alice.send(carol.localDestination(), text("data"));
            return null;
        });
        Await.until("alice waits for room at carol", () -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("test-async") && Await.isParkedIn(t, Inbox.class, "put")));

        assertThat(alice.reply(carol.localDestination(), text("reply"))).isTrue();
        carol.start(carolHears);
        for (int i = 0; i < MemoryNetwork.DEFAULT_INBOX_BYTES / CHUNK; i++) {
            assertThat(carolHears.next().bytes()).hasSize(CHUNK);
        }
        assertThat(carolHears.next().text()).isEqualTo("reply");
        assertThat(carolHears.next().text()).isEqualTo("data");
        assertThat(waiting).succeedsWithin(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aReplyToAnEndpointThatIsNotThereIsNotSentAndThrowsNothing() {
        MemoryTransport alice = endpoint("alice");
        assertThat(alice.reply(MemoryNetwork.destination("nobody"), text("hello?"))).isFalse();
        alice.close();
        assertThat(alice.reply(alice.localDestination(), text("closed"))).isFalse();
    }
}
