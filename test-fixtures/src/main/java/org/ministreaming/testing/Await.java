package org.ministreaming.testing;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waits for what another thread brings about, for the cases where no latch or future can
 * say when it happened (a counter, a thread's state). Every wait in the tests uses {@link #LIMIT},
 * which is far above anything that passes, so that a busy 2-core machine cannot make a test flake;
 * a wait that fails names what it waited for. Checks every millisecond. Thread-safe (stateless).
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

    /**
     * Waits until {@code thread} is parked inside {@code className.method}: waiting or timed
     * waiting with that frame on its stack, and not merely queued for a lock on the way there. A
     * test that closes, cuts or interrupts only after this knows the call was blocked, not about
     * to start (where a call that fails on entry would pass the test too). Fails at once if the
     * thread ends, and after {@link #LIMIT} if it never parks there.
     */
    public static void parkedIn(Thread thread, String className, String method) {
        until(() -> thread.getName() + " parks inside " + className + "." + method + ", now " + thread.getState(), () -> {
            if (thread.getState() == Thread.State.TERMINATED) {
                fail(thread.getName() + " ended instead of blocking inside " + className + "." + method);
            }
            return isParkedIn(thread, className, method);
        });
    }

    /** {@link #parkedIn(Thread, String, String)} for a type the test can name. */
    public static void parkedIn(Thread thread, Class<?> type, String method) {
        parkedIn(thread, type.getName(), method);
    }

    /** {@link #isParkedIn(Thread, String, String)} for a type the test can name. */
    public static boolean isParkedIn(Thread thread, Class<?> type, String method) {
        return isParkedIn(thread, type.getName(), method);
    }

    /** Whether {@code thread} is parked inside {@code className.method} (see {@link #parkedIn}). */
    public static boolean isParkedIn(Thread thread, String className, String method) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(className) && frame.getMethodName().equals(method)) {
                return true;
            }
            if (frame.getClassName().endsWith("AbstractQueuedSynchronizer") && frame.getMethodName().startsWith("acquire")) {
                return false;
            }
        }
        return false;
    }
}
