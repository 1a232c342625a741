package org.ministreaming.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The check that a test left no thread behind, by the threads' names: the library names each of
 * its threads {@code ministreaming-...} ({@link #LIBRARY}), the command line's tools add their
 * own prefixes. Thread-safe (stateless).
 */
public final class ThreadLeaks {

    /** The prefix of every thread the library starts. */
    public static final String LIBRARY = "ministreaming-";

    private ThreadLeaks() {
    }

    /** Names of the live threads whose names start with {@code prefix}. */
    public static Set<String> live(String prefix) {
        return threads(prefix).stream().map(Thread::getName).collect(Collectors.toSet());
    }

    /**
     * Fails at once if a live thread's name starts with one of {@code prefixes}: for code whose
     * close promises that its threads have ended when it returns.
     */
    public static void assertNoneLeft(String... prefixes) {
        assertThat(threads(prefixes)).extracting(Thread::getName).as("threads left").isEmpty();
    }

    /**
     * Waits, up to {@link Await#LIMIT} in all, for every live thread whose name starts with one of
     * {@code prefixes} to end, and fails naming those still running: for threads that end on their
     * own shortly after the call that stopped them returned (a command's workers, say).
     */
    public static void awaitNoneLeft(String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + Await.LIMIT.toNanos();
        for (Thread thread : threads(prefixes)) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        assertNoneLeft(prefixes);
    }

    private static List<Thread> threads(String... prefixes) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> Arrays.stream(prefixes).anyMatch(thread.getName()::startsWith))
                .toList();
    }
}
