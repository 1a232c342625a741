package org.ministreaming.pipe;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Callbacks waiting to be told that a queue may take an offer again (the waiters of
 * {@code Transport.whenRoom}): an offer that found no room adds one, and whatever makes room
 * wakes them all, each once. A callback that throws is logged and costs the others nothing.
 *
 * <p>Thread-safe. A wake-up runs on the thread that calls {@link #wakeAll}, under the locks it
 * holds, so callbacks must be quick and must not block.
 */
public final class RoomWaiters {

    private static final System.Logger LOG = System.getLogger(RoomWaiters.class.getName());

    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final String where;

    /** @param where what the room is in, for the log line of a callback that fails, such as {@code "a send queue"} */
    public RoomWaiters(String where) {
        this.where = where;
    }

    /** Adds {@code wake}, to run once at the next {@link #wakeAll}. */
    public void add(Runnable wake) {
        waiters.add(wake);
    }

    /** Whether no callback waits: a cheap test before working out whether there is room. */
    public boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** Runs every waiting callback once, and those added meanwhile. */
    public void wakeAll() {
        for (Runnable wake; (wake = waiters.poll()) != null;) {
            try {
                wake.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a callback waiting for room in " + where + " failed", e);
            }
        }
    }
}
