package org.ministreaming.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** Lock helpers. Stateless and thread-safe. */
final class Locks {

    private Locks() {
    }

    /**
     * Takes {@code lock}, waiting up to {@code nanos}; an interrupt does not end the wait, and the
     * thread's interrupt flag is set again afterwards.
     *
     * @return whether the lock was taken
     */
    static boolean tryLockUninterruptibly(ReentrantLock lock, long nanos) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + nanos;
        try {
            while (true) {
                try {
                    return lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
