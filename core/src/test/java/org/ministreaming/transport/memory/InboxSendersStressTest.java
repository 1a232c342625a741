package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;

/**
 * Senders as the in-memory transport's sends are made: each hands its envelope over itself when
 * it can ({@link Inbox#deliverNow}), else queues it, waiting for room ({@link Inbox.Mode#WAIT}) or
 * offering it ({@link Inbox.Mode#OFFER}: when the inbox has no room, the sender waits for
 * {@link Inbox#whenRoom} alone before it offers again), while the delivery thread drains a small
 * inbox and the receiver is slow now and then. Every envelope arrives once, each sender's in
 * order, and no sender or delivery waits for a wake-up that never comes.
 */
class InboxSendersStressTest {

    private static final int SENDERS = 4;
    private static final int ENVELOPES = 3_000;
    private static final int BOUND = 16 * 1024;
    private static final int MAX_SIZE = 8 * 1024;
    /** Every so many envelopes of a sender, the receiver takes {@link #SLOW_NANOS} over one. */
    private static final int SLOW_EVERY = 50;
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Inbox.Mode.class, names = {"WAIT", "OFFER"})
    void everyEnvelopeArrivesOnceInEachSendersOrderAndNoWakeIsLost(Inbox.Mode mode) throws Exception {
        Inbox inbox = new Inbox(BOUND);
        int[] next = new int[SENDERS];
        List<String> disorder = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(SENDERS * ENVELOPES);
        // One envelope at a time reaches the receiver (the delivery lock), so plain fields do.
        java.util.function.Consumer<Inbox.Envelope> receiver = envelope -> {
            int sender = envelope.bytes().getInt(0);
            int sequence = envelope.bytes().getInt(4);
            if (sequence != next[sender]) {
                disorder.add("sender " + sender + ": " + sequence + " where " + next[sender] + " was due");
            }
            next[sender] = sequence + 1;
            if (sequence % SLOW_EVERY == 0) {
                LockSupport.parkNanos(SLOW_NANOS); // a receiver that is slow now and then, so that the inbox fills
            }
            all.countDown();
        };
        Future<?> delivery = threads.submit(() -> {
            while (inbox.deliverNext(receiver)) {
                // one envelope a turn, until the inbox closes
            }
            return null;
        });
        List<Future<Integer>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.add(threads.submit(() -> send(inbox, mode, sender, receiver)));
        }

        int waits = 0;
        for (Future<Integer> sender : senders) {
            waits += sender.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(all.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("every envelope delivered").isTrue();
        inbox.close();
        delivery.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(disorder).isEmpty();
        assertThat(next).containsOnly(ENVELOPES);
        if (mode == Inbox.Mode.OFFER) {
            assertThat(waits).as("the inbox was full often enough to test the wake-ups").isGreaterThan(10);
        }
    }

    /** Sends one sender's envelopes; returns how often an offer found no room and waited for a wake. */
    private static int send(Inbox inbox, Inbox.Mode mode, int sender, java.util.function.Consumer<Inbox.Envelope> receiver) throws IOException {
        Random random = new Random(sender);
        Destination from = Destination.of("mem:sender" + sender);
        int waits = 0;
        for (int i = 0; i < ENVELOPES; i++) {
            ByteBuffer bytes = ByteBuffer.allocate(8 + random.nextInt(MAX_SIZE - 8));
            bytes.putInt(0, sender).putInt(4, i);
            Inbox.Envelope envelope = new Inbox.Envelope(from, bytes.asReadOnlyBuffer(), System.nanoTime());
            while (!inbox.deliverNow(envelope, receiver) && !inbox.put(envelope, 0, mode, () -> true)) {
                CompletableFuture<Void> room = new CompletableFuture<>();
                inbox.whenRoom(() -> room.complete(null));
                assertThat(room).as("sender %d woken for envelope %d", sender, i).succeedsWithin(Await.LIMIT);
                waits++;
            }
        }
        return waits;
    }
}
