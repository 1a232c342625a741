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

    private Async() {
    }

    /** Starts {@code call} on a new daemon thread; the future completes with its outcome. */
    public static <T> CompletableFuture<T> run(Call<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "test-async");
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
