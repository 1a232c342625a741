package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.pipe.Deadline;

/**
 * The close linger's wait: until no peer has frames waiting for acknowledgement, or a deadline.
 * Whatever may have drained a peer calls {@link #wake}, and the waiter looks again. The wait is
 * a {@link Deadline}'s, as every timed wait of the engine.
 *
 * <p>Thread-safe.
 */
final class Drain {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();

    /**
     * Waits until no peer in {@code peers} has anything unacknowledged, at most {@code nanos}.
     * Returns early, keeping the interrupt flag, if interrupted.
     */
    void await(Collection<Peer> peers, long nanos) {
        Deadline deadline = Deadline.in(TimeUnit.NANOSECONDS.toMillis(nanos + 999_999), () -> new SocketTimeoutException("close linger over"),
                () -> "interrupted while waiting for frames in flight to be acknowledged");
        lock.lock();
        try {
            while (peers.stream().anyMatch(Peer::hasUnacknowledged)) {
                deadline.await(drained);
            }
        } catch (IOException overOrInterrupted) {
            // The linger ran out, or the thread was interrupted (its flag kept): close without waiting more.
        } finally {
            lock.unlock();
        }
    }

    /** A peer may have drained: the waiter looks again. */
    void wake() {
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
