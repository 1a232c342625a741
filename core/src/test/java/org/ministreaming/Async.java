package org.ministreaming;

import java.util.concurrent.CompletableFuture;

/**
 * Runs a blocking call on a thread of its own, so a test can act while the call waits. (The
 * common fork-join pool has one thread on a 2-core machine and would run such calls one after
 * another.)
 */
public final class Async {

    /** A call that may block and throw. */
    @FunctionalInterface
    public interface Call<T> {
        /** Makes the call. */
        T call() throws Exception;
    }

    /**
     * The outcome of a call made by {@link #run}, and the thread that makes it, for a test that
     * must wait until the call blocks ({@link Blocked}) before it closes, cuts or interrupts.
     */
    public static final class Running<T> extends CompletableFuture<T> {
        private final Thread thread;

        private Running(Call<T> call) {
            thread = new Thread(() -> {
                try {
                    complete(call.call());
                } catch (Throwable e) {
                    completeExceptionally(e);
                }
            }, "test-async");
            thread.setDaemon(true);
        }

        /** The thread that makes the call. */
        public Thread thread() {
            return thread;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    private Async() {
    }

    /** Starts {@code call} on a new daemon thread; the future completes with its outcome. */
    public static <T> Running<T> run(Call<T> call) {
        Running<T> running = new Running<>(call);
        running.thread.start();
        return running;
    }
}
