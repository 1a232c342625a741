package org.ministreaming;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A bounded wait for a condition another thread brings about, for the few cases where no latch
 * or future can say when it happened (a counter, a thread's state). Checks every millisecond.
 */
public final class Await {

    /** How long a condition may take before the test fails. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Waits until {@code condition} holds, failing the test with {@code what} after {@link #LIMIT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(() -> what, condition);
    }

    /** Like {@link #until(String, BooleanSupplier)}, describing the wait only if it fails. */
    public static void until(Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + LIMIT.toSeconds() + " s waiting until " + what.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
