package org.ministreaming.transport.reliable;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The close linger's wait: until no peer has frames waiting for acknowledgement, or a deadline.
 * Whatever may have drained a peer calls {@link #wake}, and the waiter looks again.
 *
 * <p>Thread-safe.
 */
final class Drain {

    private final Object lock = new Object();

    /**
     * Waits until no peer in {@code peers} has anything unacknowledged, at most {@code nanos}.
     * Returns early, keeping the interrupt flag, if interrupted.
     */
    void await(Collection<Peer> peers, long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (lock) {
            while (peers.stream().anyMatch(Peer::hasUnacknowledged)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A peer may have drained: the waiter looks again. */
    void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
