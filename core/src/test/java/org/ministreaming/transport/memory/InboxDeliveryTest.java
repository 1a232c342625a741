package org.ministreaming.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ministreaming.pipe.Pipe;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;

/**
 * {@link Inbox}: whether a sender hands its envelope over itself, leaves it to the thread that is
 * handing one over, or queues it for the delivery thread.
 */
class InboxDeliveryTest {

    private static final Destination FROM = MemoryNetwork.destination("alice");
    private static final String DELIVERY = "inbox-delivery";

    /** What was handed over, as "text@thread". */
    private final List<String> handedOver = new CopyOnWriteArrayList<>();
    private final Consumer<Inbox.Envelope> record =
            envelope -> handedOver.add(UTF_8.decode(envelope.bytes()).toString() + "@" + Thread.currentThread().getName());

    @Test
    void aSenderHandsOverItselfWhileTheDeliveryThreadIsIdleAndQueuesWhileItIsBusy() throws Exception {
        Inbox inbox = new Inbox(1 << 20);
        String me = Thread.currentThread().getName();

        assertThat(inbox.deliverNow(envelope("idle: handed over at once"), record)).isTrue();
        inbox.put(envelope("queued"), 0, Inbox.Mode.WAIT, () -> true);
        assertThat(inbox.deliverNow(envelope("behind the queued one"), record)).as("the queued one first, then its own").isTrue();
        assertThat(inbox.size()).isZero();
        inbox.put(envelope("first for the delivery thread"), 0, Inbox.Mode.WAIT, () -> true);
        inbox.put(envelope("second for the delivery thread"), 0, Inbox.Mode.WAIT, () -> true);
        assertThat(inbox.deliverNext(record)).as("the delivery thread's turn").isTrue();
        assertThat(inbox.deliverNow(envelope("while the delivery thread is busy"), record))
                .as("one is still queued for the busy delivery thread").isFalse();

        Thread delivery = startDelivery(inbox);
        try {
            Await.parkedIn(delivery, Pipe.class, "awaitDue");
            assertThat(inbox.deliverNow(envelope("idle again: handed over at once"), record)).isTrue();
        } finally {
            stop(inbox, delivery);
        }
        assertThat(handedOver).containsExactly("idle: handed over at once@" + me, "queued@" + me, "behind the queued one@" + me,
                "first for the delivery thread@" + me, "second for the delivery thread@" + DELIVERY,
                "idle again: handed over at once@" + me);
    }

    @Test
    void aSenderThatFindsAnotherThreadHandingOverLeavesItsEnvelopesToThatThreadUpToItsShareAndTheDeliveryThreadTakesTheRest()
            throws Exception {
        Inbox inbox = new Inbox(1 << 20);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        Consumer<Inbox.Envelope> heldFirst = envelope -> {
            record.accept(envelope);
            if (inside.getCount() > 0) {
                inside.countDown();
                MemoryNetworkFixture.awaitQuietly(gate);
            }
        };
        Thread delivery = startDelivery(inbox);
        Thread holder = new Thread(() -> inbox.deliverNow(envelope("held"), heldFirst), "holder");
        int others = Inbox.HANDED_OVER_AT_ONCE + 5;
        try {
            Await.parkedIn(delivery, Pipe.class, "awaitDue");
            holder.start();
            assertThat(inside.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < others; i++) {
                assertThat(inbox.deliverNow(envelope("m" + i), heldFirst)).as("left to the holder").isTrue();
            }
            assertThat(inbox.size()).as("queued for the holder, none handed over yet").isEqualTo(others);
            assertThat(Await.isParkedIn(delivery, Pipe.class, "awaitDue")).as("the delivery thread still waits").isTrue();
            gate.countDown();
            holder.join(Await.LIMIT.toMillis());
            assertThat(holder.isAlive()).as("the holder returned").isFalse();
            Await.until("every envelope handed over", () -> handedOver.size() == others + 1);
        } finally {
            gate.countDown();
            stop(inbox, delivery);
        }
        List<String> expected = new ArrayList<>(List.of("held@holder"));
        IntStream.range(0, others).mapToObj(i -> "m" + i + (i < Inbox.HANDED_OVER_AT_ONCE ? "@holder" : "@" + DELIVERY))
                .forEach(expected::add);
        assertThat(handedOver).containsExactlyElementsOf(expected);
    }

    @Test
    void sendersHandingOverForEachOtherLoseNothingKeepTheirOrderAndNeverOverlap() throws Exception {
        int senders = 8;
        int rounds = 3_000;
        Inbox inbox = new Inbox(1 << 24);
        Map<Destination, List<Integer>> bySender = new ConcurrentHashMap<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger byDeliveryThread = new AtomicInteger();
        Consumer<Inbox.Envelope> receiver = envelope -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            bySender.computeIfAbsent(envelope.from(), from -> new ArrayList<>()).add(envelope.bytes().getInt());
            if (Thread.currentThread().getName().equals(DELIVERY)) {
                byDeliveryThread.incrementAndGet();
            }
            delivered.incrementAndGet();
            inside.decrementAndGet();
        };
        Thread delivery = startDelivery(inbox, receiver);
        // Each round ends with every sender done, so an envelope queued for a thread that had
        // already left would stay queued: the round's check below would then time out.
        CyclicBarrier round = new CyclicBarrier(senders + 1);
        List<Thread> threads = new ArrayList<>();
        try {
            for (int s = 0; s < senders; s++) {
                Destination from = MemoryNetwork.destination("sender" + s);
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = 0; i < rounds; i++) {
                            round.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
                            Inbox.Envelope envelope = new Inbox.Envelope(from, ByteBuffer.allocate(4).putInt(0, i), System.nanoTime());
                            if (!inbox.deliverNow(envelope, receiver)) {
                                inbox.put(envelope, 0, Inbox.Mode.WAIT, () -> true);
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "sender" + s);
                threads.add(sender);
                sender.start();
            }
            for (int i = 1; i <= rounds; i++) {
                round.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
                int expected = i * senders;
                Await.until(() -> delivered.get() + " of " + expected + " handed over", () -> delivered.get() == expected);
            }
            for (Thread sender : threads) {
                sender.join(Await.LIMIT.toMillis());
                assertThat(sender.isAlive()).isFalse();
            }
        } finally {
            threads.forEach(Thread::interrupt);
            stop(inbox, delivery);
        }
        List<Integer> inOrder = IntStream.range(0, rounds).boxed().toList();
        assertThat(bySender).hasSize(senders);
        bySender.forEach((from, sequence) -> assertThat(sequence).as("from %s", from).isEqualTo(inOrder));
        assertThat(overlaps.get()).as("hand-overs that overlapped another").isZero();
        System.out.printf("%d envelopes, %d of them by the delivery thread%n", senders * rounds, byDeliveryThread.get());
    }

    private Thread startDelivery(Inbox inbox) {
        return startDelivery(inbox, record);
    }

    private static Thread startDelivery(Inbox inbox, Consumer<Inbox.Envelope> receiver) {
        Thread delivery = new Thread(() -> {
            try {
                while (inbox.deliverNext(receiver)) {
                    // until the inbox closes
                }
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        }, DELIVERY);
        delivery.start();
        return delivery;
    }

    private static void stop(Inbox inbox, Thread delivery) throws InterruptedException {
        inbox.close();
        delivery.join(Await.LIMIT.toMillis());
        assertThat(delivery.isAlive()).isFalse();
    }

    private static Inbox.Envelope envelope(String text) {
        return new Inbox.Envelope(FROM, ByteBuffer.wrap(text.getBytes(UTF_8)).asReadOnlyBuffer(), System.nanoTime());
    }
}
