package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that the library and the commands left no thread behind. */
final class Threads {

    private Threads() {
    }

    /** Every {@code ministreaming-*} thread ends within a few seconds, or the check fails. */
    static void assertNoneLeft() throws InterruptedException {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("ministreaming-")) {
                thread.join(5_000);
                assertThat(thread.isAlive()).as("thread %s still runs", thread.getName()).isFalse();
            }
        }
    }
}
