package org.ministreaming.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One named thread that plays the other end of a connection beside the caller's thread, and the
 * bounded waits for what it does. {@link #close} stops the thread.
 *
 * <p>Thread-safe.
 */
final class Worker implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final ExecutorService executor;

    /**
     * A worker; its thread starts with the first task.
     *
     * @param name the thread's name
     */
    Worker(String name) {
        this.name = name;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code task} on the worker's thread. */
    <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * Waits for a task's result.
     *
     * @throws IOException what the task threw, or if it did not finish within {@code timeout}
     *     (it is interrupted then)
     */
    <T> T await(Future<T> task, Duration timeout) throws IOException {
        try {
            return get(task, timeout);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new IOException(name + " did not finish within " + timeout.toSeconds() + " s", e);
        }
    }

    /**
     * Waits a little for the result of a task that never returns {@code null}.
     *
     * @return the result, or {@code null} if the task is still running after {@code timeout}
     * @throws IOException what the task threw
     */
    <T> T poll(Future<T> task, Duration timeout) throws IOException {
        try {
            return get(task, timeout);
        } catch (TimeoutException e) {
            return null;
        }
    }

    private <T> T get(Future<T> task, Duration timeout) throws IOException, TimeoutException {
        try {
            return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + name);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return new IOException(name + ": " + Reasons.of(io), io);
        }
        if (cause instanceof UncheckedIOException unchecked) {
            return new IOException(name + ": " + Reasons.of(unchecked.getCause()), unchecked.getCause());
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(name + ": " + cause, cause);
    }

    /**
     * Interrupts a task still running and waits for the thread to end.
     *
     * @throws IllegalStateException if the thread did not end in time
     */
    @Override
    public void close() {
        executor.shutdownNow();
        boolean stopped;
        try {
            stopped = executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!stopped) {
            throw new IllegalStateException(name + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }
}
