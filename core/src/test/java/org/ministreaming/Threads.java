package org.ministreaming;

import java.util.Set;
import java.util.stream.Collectors;

/** The library's own threads, by name, to check that none is left behind. */
final class Threads {

    private Threads() {
    }

    static Set<String> ministreamingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("ministreaming-"))
                .collect(Collectors.toSet());
    }
}
