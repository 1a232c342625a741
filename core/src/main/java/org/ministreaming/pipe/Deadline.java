package org.ministreaming.pipe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.Supplier;

/**
 * When a blocking call must give up, and how it says so: a point in {@link System#nanoTime} (or
 * none), the exception a caller gets once it has passed, and the message of the
 * {@link InterruptedIOException} a caller gets when its thread is interrupted (both made only when
 * needed). This is the one
 * timed wait of the code: every blocking call waits on its condition through {@link #await}, in a
 * loop that looks again at what it waits for after each wake-up.
 *
 * <p>Immutable and thread-safe. A wait is made by a thread holding the condition's lock.
 */
public final class Deadline {

    /**
     * The longest wait counted, about 73 years: a longer one (such as
     * {@code ChronoUnit.FOREVER.getDuration()}) is taken as this, so that it converts to
     * milliseconds or nanoseconds and adds to {@link System#nanoTime} without overflow.
     */
    public static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);
    private static final long LONGEST_NANOS = LONGEST.toNanos();
    private static final long LONGEST_MILLIS = LONGEST.toMillis();

    private final long at;
    private final boolean bounded;
    private final Supplier<? extends SocketTimeoutException> expired;
    private final Supplier<String> interrupted;

    private Deadline(long at, boolean bounded, Supplier<? extends SocketTimeoutException> expired, Supplier<String> interrupted) {
        this.at = at;
        this.bounded = bounded;
        this.expired = expired;
        this.interrupted = interrupted;
    }

    /** A wait without a deadline, that words an interrupt with {@code interrupted}. */
    public static Deadline none(Supplier<String> interrupted) {
        return new Deadline(0, false, null, interrupted);
    }

    /**
     * A wait that ends {@code millis} from now (0 or less: it has passed already).
     *
     * @param expired the exception thrown once it has passed
     * @param interrupted the message of the exception thrown on an interrupt
     */
    public static Deadline in(long millis, Supplier<? extends SocketTimeoutException> expired, Supplier<String> interrupted) {
        long nanos = Math.min(TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis)), LONGEST_NANOS);
        return new Deadline(System.nanoTime() + nanos, true, expired, interrupted);
    }

    /** As {@link #in}, but 0 means no deadline, as a socket timeout of 0 does. */
    public static Deadline inOrNone(long millis, Supplier<? extends SocketTimeoutException> expired, Supplier<String> interrupted) {
        return millis == 0 ? none(interrupted) : in(millis, expired, interrupted);
    }

    /** {@code duration} in milliseconds, at most {@link #LONGEST}'s. */
    public static long millis(Duration duration) {
        return duration.compareTo(LONGEST) > 0 ? LONGEST_MILLIS : duration.toMillis();
    }

    /** {@code duration} in nanoseconds, at most {@link #LONGEST}'s. */
    public static long nanos(Duration duration) {
        return duration.compareTo(LONGEST) > 0 ? LONGEST_NANOS : duration.toNanos();
    }

    /** Whether the deadline has passed; never for a wait without one. */
    public boolean passed() {
        return bounded && at - System.nanoTime() <= 0;
    }

    /** Throws the expiry exception if the deadline has passed. */
    public void check() throws SocketTimeoutException {
        if (passed()) {
            throw expired.get();
        }
    }

    /**
     * Waits on {@code condition} once, until it is signalled or the deadline passes; the caller
     * holds its lock and looks again at what it waits for when this returns.
     *
     * @throws SocketTimeoutException if the deadline had passed before the wait
     * @throws InterruptedIOException if interrupted, with the thread's interrupt flag kept
     */
    public void await(Condition condition) throws IOException {
        check();
        try {
            if (bounded) {
                condition.awaitNanos(at - System.nanoTime());
            } else {
                condition.await();
            }
        } catch (InterruptedException e) {
            throw interrupted();
        }
    }

    /**
     * As {@link #await(Condition)}, but also wakes at {@code wakeAt} (a {@link System#nanoTime}),
     * such as when a queued item falls due or a probe is to be sent.
     */
    public void await(Condition condition, long wakeAt) throws IOException {
        check();
        long nanos = wakeAt - System.nanoTime();
        if (bounded) {
            nanos = Math.min(nanos, at - System.nanoTime());
        }
        if (nanos <= 0) {
            return;
        }
        try {
            condition.awaitNanos(nanos);
        } catch (InterruptedException e) {
            throw interrupted();
        }
    }

    private InterruptedIOException interrupted() {
        Thread.currentThread().interrupt();
        return new InterruptedIOException(interrupted.get());
    }
}
