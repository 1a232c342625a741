package org.ministreaming.transport;

/**
 * Helpers for transports that start threads of their own, as {@link Transport#close()} must stop
 * them all before it returns. Stateless and thread-safe.
 */
public final class TransportThreads {

    private TransportThreads() {
    }

    /**
     * Waits for {@code thread} to end, however often the caller is interrupted, and then restores
     * the caller's interrupt flag. Does nothing for {@code null} or the calling thread itself (a
     * transport closed from one of its own callbacks).
     *
     * @param thread the thread to wait for, or {@code null}
     */
    public static void joinUninterruptibly(Thread thread) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
