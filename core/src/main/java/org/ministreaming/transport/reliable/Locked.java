package org.ministreaming.transport.reliable;

import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/** Runs code under a lock, for the classes of this layer that take theirs for every method. */
final class Locked {

    private Locked() {
    }

    /** Runs {@code body} under {@code lock} and returns what it returns. */
    static <T> T call(Lock lock, Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code body} under {@code lock}. */
    static void run(Lock lock, Runnable body) {
        lock.lock();
        try {
            body.run();
        } finally {
            lock.unlock();
        }
    }
}
