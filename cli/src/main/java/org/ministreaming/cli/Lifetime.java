package org.ministreaming.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The life of one run of a long-running command: the resources it owns, and how it is stopped.
 * A stop closes them, newest first (so a command owns its manager before the things that use
 * it); blocked calls on them fail, and the command returns.
 *
 * <p>A run is stopped by {@link #stop} from any thread (tests do this), by SIGINT or SIGTERM
 * through a shutdown hook that waits a bounded time for the command to finish, or by
 * {@link #end} when the command returns by itself.
 *
 * <p>Thread-safe. One instance serves one run: {@link #begin} once, then {@link #end} once.
 */
final class Lifetime {

    /** How long the shutdown hook waits for the command to finish after closing what it owns. */
    private static final Duration HOOK_WAIT = Duration.ofSeconds(10);

    /** Guarded by {@code this}. */
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    /** Guarded by {@code this}. */
    private boolean stopping;
    /** Guarded by {@code this}. */
    private Thread hook;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * Starts the run: from now on SIGINT and SIGTERM stop it.
     *
     * @param name the command's name, for the hook thread's name
     * @throws IllegalStateException if the run was begun already
     */
    synchronized void begin(String name) {
        if (hook != null) {
            throw new IllegalStateException("a Lifetime serves one run");
        }
        hook = new Thread(this::onShutdown, "ministreaming-stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Takes {@code resource} to close when the run stops.
     *
     * @return {@code resource}
     * @throws IOException if the run is stopping already; {@code resource} is closed then
     */
    <T extends AutoCloseable> T own(T resource) throws IOException {
        synchronized (this) {
            if (!stopping) {
                owned.push(resource);
                return resource;
            }
        }
        closeQuietly(resource);
        throw new IOException("stopped");
    }

    /** Whether a stop was asked for, by {@link #stop}, a signal or {@link #end}. */
    synchronized boolean stopRequested() {
        return stopping;
    }

    /**
     * Stops the run: closes everything owned, newest first, and returns when that is done (also
     * when another thread is doing it). Idempotent.
     */
    void stop() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (stopping) {
                toClose = null;
            } else {
                stopping = true;
                toClose = new ArrayList<>(owned);
                owned.clear();
            }
        }
        if (toClose == null) {
            closed.join();
            return;
        }
        try {
            toClose.forEach(Lifetime::closeQuietly);
        } finally {
            closed.complete(null);
        }
    }

    /** Ends the run, from the command's own thread when it returns: stops it and removes the hook. */
    void end() {
        stop();
        Thread registered;
        synchronized (this) {
            registered = hook;
        }
        if (registered != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(registered);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; it waits for the count-down below.
            }
        }
        finished.countDown();
    }

    private void onShutdown() {
        stop();
        try {
            finished.await(HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // Stopping goes on: the other resources still need closing, and nothing is left to report to.
        }
    }
}
