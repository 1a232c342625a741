package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one-shot readiness callback: runs once per registration, never lost between a look and a change. */
@Timeout(60)
class ReadinessTest {

    @Test
    void aCallbackRunsOnceAtTheNextFireAndNotAgain() {
        Readiness readiness = new Readiness();
        AtomicInteger runs = new AtomicInteger();

        readiness.register(Runnable::run, runs::incrementAndGet, () -> false);
        assertThat(runs).hasValue(0);
        assertThat(readiness.pending()).isTrue();
        readiness.fire();
        readiness.fire();

        assertThat(runs).hasValue(1);
        assertThat(readiness.pending()).isFalse();
    }

    @Test
    void aCallbackRunsAtOnceWhenReadyAlready() {
        Readiness readiness = new Readiness();
        AtomicInteger runs = new AtomicInteger();

        readiness.register(Runnable::run, runs::incrementAndGet, () -> true);

        assertThat(runs).hasValue(1);
        assertThat(readiness.pending()).isFalse();
    }

    @Test
    void aSecondRegistrationWhileOneWaitsIsRefusedAndARejectedCallbackIsDropped() {
        Readiness readiness = new Readiness();
        readiness.register(Runnable::run, () -> { }, () -> false);

        assertThatThrownBy(() -> readiness.register(Runnable::run, () -> { }, () -> false)).isInstanceOf(IllegalStateException.class);

        Readiness rejecting = new Readiness();
        rejecting.register(command -> {
            throw new RejectedExecutionException("shut down");
        }, () -> { }, () -> false);
        rejecting.fire();
        assertThat(rejecting.pending()).as("dropped, so a new one may register").isFalse();
    }

    @Test
    void noWakeUpIsLostBetweenALookAndAChangeFromAnotherThread() throws Exception {
        // In lockstep: the producer makes one change and waits until it is consumed, so a single
        // lost wake-up leaves the consumer waiting for ever; the change and the consumer's
        // registration race every time.
        int changes = 100_000;
        Readiness readiness = new Readiness();
        AtomicInteger available = new AtomicInteger();
        Semaphore consumedOne = new Semaphore(0);
        ExecutorService producer = Executors.newSingleThreadExecutor();
        ExecutorService callbacks = Executors.newFixedThreadPool(2);
        try {
            producer.execute(() -> {
                try {
                    for (int i = 0; i < changes; i++) {
                        available.incrementAndGet();
                        readiness.fire();
                        if (!consumedOne.tryAcquire(30, TimeUnit.SECONDS)) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Semaphore woken = new Semaphore(0);
            int consumed = 0;
            while (consumed < changes) {
                int now = available.getAndSet(0);
                if (now > 0) {
                    consumed += now;
                    consumedOne.release(now);
                } else {
                    readiness.register(callbacks, woken::release, () -> available.get() > 0);
                    assertThat(woken.tryAcquire(30, TimeUnit.SECONDS)).as("woken after %d of %d changes", consumed, changes).isTrue();
                }
            }
            assertThat(consumed).isEqualTo(changes);
        } finally {
            producer.shutdownNow();
            callbacks.shutdownNow();
            assertThat(producer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
