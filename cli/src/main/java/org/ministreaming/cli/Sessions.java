package org.ministreaming.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The tunnelled connections of one tunnel command: each is opened on a thread of its own
 * ({@code ministreaming-<name>-open-N}, only while it connects), then {@linkplain Splice spliced}
 * on the command's {@link TunnelLoop}, which holds no thread for a connection that waits; and
 * {@link #close} ends them all. At most {@code maxOpen} are open at once: beyond that a new one is
 * closed at once. A watchdog on the loop's timer closes both sides of a connection whose TCP side
 * takes no bytes for the stall timeout, or for {@link Splice#ORPHAN_STALL} once its stream is
 * over, or whose peer grants no credit for the stream's write timeout. Failures are told one
 * line each, or one for a run of them that failed the same way ({@link FailureLines}).
 *
 * <p>Thread-safe.
 */
final class Sessions implements AutoCloseable {

    /** How long an opening thread waits for the next connection to open before it ends. */
    private static final Duration IDLE_THREAD = Duration.ofSeconds(5);

    /** How long {@link #close} waits for the threads to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Makes a splice's connections ready: connects its TCP side or attaches its stream.
     * Runs on the session's own thread, so it may block.
     */
    @FunctionalInterface
    interface Opener {
        /**
         * Opens what {@code splice} still lacks.
         *
         * @throws IOException if it cannot; the message says what could not be reached
         */
        void open(Splice splice) throws IOException;
    }

    private final String name;
    private final TunnelLoop loop;
    private final ExecutorService opening;
    private final Set<Splice> live = ConcurrentHashMap.newKeySet();
    private final Consumer<String> errors;
    private final FailureLines failures;
    private final Duration stallTimeout;
    private final int maxOpen;
    private final AtomicInteger refused = new AtomicInteger();
    /** Whether the last connection was refused, so a run of refusals is reported once. */
    private final AtomicBoolean refusing = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * Sessions with no connection yet.
     *
     * @param name names the threads
     * @param errors told one line for each connection that failed, unless it failed because of
     *     {@link #close}, or for a run of them that failed the same way ({@link FailureLines});
     *     called from the sessions' threads
     * @param stallTimeout how long a connection's TCP side may take no bytes before both sides are
     *     closed; {@link Duration#ZERO} never closes one for that
     * @param maxOpen how many connections may be open at once
     */
    Sessions(String name, Consumer<String> errors, Duration stallTimeout, int maxOpen) {
        this.name = name;
        this.errors = errors;
        this.failures = new FailureLines(errors, System::nanoTime);
        this.stallTimeout = stallTimeout;
        this.maxOpen = maxOpen;
        this.loop = new TunnelLoop(name);
        long shortest = stallTimeout.isZero() ? Splice.ORPHAN_STALL.toMillis() : Math.min(stallTimeout.toMillis(), Splice.ORPHAN_STALL.toMillis());
        long period = Math.max(10, Math.min(1000, shortest / 4));
        loop.timer().scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.MILLISECONDS);
        AtomicInteger count = new AtomicInteger();
        // Idle threads end after a few seconds, so a burst's threads are given back soon after it.
        this.opening = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "ministreaming-" + name + "-open-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Opens one connection on a thread of its own, then runs it on the loop. After {@link #close},
     * the splice is closed at once instead.
     *
     * @param splice the connection, with at least one side connected
     * @param opener connects the other side, on the opening thread
     */
    void start(Splice splice, Opener opener) {
        if (live.size() >= maxOpen) {
            splice.close();
            refused.incrementAndGet();
            if (refusing.compareAndSet(false, true)) {
                errors.accept(splice.label() + ": refused, " + maxOpen + " connections are open (--max-connections);"
                        + " reported once until one is admitted again");
            }
            return;
        }
        refusing.set(false);
        live.add(splice);
        if (closed) {
            end(splice);
            return;
        }
        try {
            opening.execute(() -> open(splice, opener));
        } catch (RejectedExecutionException e) {
            end(splice);
        }
    }

    private void open(Splice splice, Opener opener) {
        try {
            opener.open(splice);
        } catch (IOException e) {
            ended(splice, e);
            return;
        } catch (RuntimeException e) {
            // A defect ends this connection only; an Error goes on to the process's handler (FatalErrors).
            ended(splice, new IOException("failed: " + e, e));
            return;
        }
        splice.start(loop).whenComplete((ignored, failure) -> ended(splice, failure));
    }

    /** Reports why {@code splice} ended, if it failed and not because of {@link #close}, and forgets it. */
    private void ended(Splice splice, Throwable failure) {
        if (failure != null && !closed) {
            failures.failed(splice.label(), Reasons.of(failure));
        }
        end(splice);
    }

    /** How many connections are open now. */
    int open() {
        return live.size();
    }

    /** How many connections were refused because {@code maxOpen} were open. */
    int refused() {
        return refused.get();
    }

    /**
     * Closes both sides of every connection whose TCP side took no bytes for the stall timeout,
     * or for {@link Splice#ORPHAN_STALL} once its stream is over; and tells the failures counted
     * whose window has passed.
     */
    private void closeStalled() {
        try {
            failures.tellDue();
            checkStalled();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: report the defect and keep watching.
            errors.accept("the " + name + " watchdog failed: " + e);
        }
    }

    private void checkStalled() {
        long now = System.nanoTime();
        for (Splice splice : live) {
            IOException overdue = splice.creditOverdue(now);
            if (overdue != null) {
                splice.stalled(overdue);
                continue;
            }
            long stalled = splice.tcpStalledNanos(now);
            if (!stallTimeout.isZero() && stalled > stallTimeout.toNanos()) {
                splice.stalled(new IOException("the TCP side took no bytes for " + stallTimeout.toSeconds()
                        + " s (--stall-timeout); both sides were closed"));
            } else if (stalled > Splice.ORPHAN_STALL.toNanos() && splice.streamOver()) {
                splice.stalled(new IOException("the peer is gone and the TCP side took no bytes for "
                        + Splice.ORPHAN_STALL.toSeconds() + " s; both sides were closed"));
            }
        }
    }

    private void end(Splice splice) {
        splice.close();
        live.remove(splice);
    }

    /**
     * Closes every connection, interrupts connects still waiting, and waits for the threads to
     * end. Idempotent.
     *
     * @throws IllegalStateException if a thread did not end in time
     */
    @Override
    public void close() {
        closed = true;
        failures.tellAll();
        opening.shutdown();
        live.forEach(Splice::close);
        opening.shutdownNow();
        boolean ended;
        try {
            ended = opening.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            loop.close();
        }
        if (!ended) {
            throw new IllegalStateException("the " + name + " connections did not end within " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }
}
