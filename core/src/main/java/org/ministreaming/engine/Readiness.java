package org.ministreaming.engine;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A one-shot readiness callback of one side of a connection (reading or writing), or of the
 * accept backlog (a connection to take): the caller registers a callback and the executor to run
 * it on; it runs once, on that executor, at the next {@link #fire}, or at once if the side is
 * ready when it is registered.
 *
 * <p>No wake-up is lost: a registration stores the callback, then looks at the side's state;
 * each change of state is made, then fires. Whichever comes second sees the other, and the
 * callback runs once either way. It may run when the side turns out not to be ready any more
 * (another thread took the bytes or the credit), so the caller looks again and may register again.
 *
 * <p>Thread-safe and lock-free. {@link #fire} must be called with no lock held (not the
 * connection's, not the pipe's), so that an executor that runs the callback on the calling thread
 * never runs it under a lock; it never throws: a callback that fails there is logged.
 */
final class Readiness {

    private static final System.Logger LOG = System.getLogger(Readiness.class.getName());

    private record Waiter(Executor executor, Runnable callback) {
    }

    /** A field with atomic access rather than an {@code AtomicReference}: every connection has two of these. */
    private static final VarHandle WAITER;

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(Readiness.class, "waiter", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Waiter waiter;

    /**
     * Registers {@code callback}, to run once on {@code executor} at the next {@link #fire}, or at
     * once (on {@code executor}) if {@code ready} is true after it was stored.
     *
     * @throws IllegalStateException if a callback is registered already and has not run
     */
    void register(Executor executor, Runnable callback, BooleanSupplier ready) {
        Waiter added = new Waiter(Objects.requireNonNull(executor, "executor"), Objects.requireNonNull(callback, "callback"));
        if (!WAITER.compareAndSet(this, null, added)) {
            throw new IllegalStateException("a readiness callback is registered already");
        }
        if (ready.getAsBoolean()) {
            fire();
        }
    }

    /** Whether a callback is registered and has not run yet. */
    boolean pending() {
        return waiter != null;
    }

    /** The side's state changed: runs the registered callback, if any, on its executor. */
    void fire() {
        Waiter taken = waiter == null ? null : (Waiter) WAITER.getAndSet(this, null);
        if (taken == null) {
            return;
        }
        try {
            taken.executor().execute(taken.callback());
        } catch (RejectedExecutionException e) {
            // The caller shut its executor down: it has stopped waiting for this connection.
            LOG.log(Level.DEBUG, () -> "a readiness callback was rejected by its executor: " + e.getMessage());
        } catch (RuntimeException e) {
            // An executor that runs the callback on this thread: its defect must not reach the receive path.
            LOG.log(Level.WARNING, "a readiness callback failed", e);
        }
    }
}
