package org.ministreaming.transport.reliable;

import java.util.Set;
import java.util.stream.Collectors;

/** The library's threads still alive, by name, to check that none is left behind. */
final class Threads {

    private Threads() {
    }

    /** Live threads of the reliable layer and the transports under it. */
    static Set<String> reliableThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("ministreaming-"))
                .collect(Collectors.toSet());
    }
}
