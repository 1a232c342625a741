package org.ministreaming.transport.reliable;

import java.io.IOException;

/**
 * A peer's losses: how often its state was started afresh (a sender waiting for room compares
 * the count to see that the peer it waited for is gone), why it was the last time, and the
 * notice the receiver above has not heard yet.
 *
 * <p>Not thread-safe: guarded by its {@link Peer}'s lock.
 */
final class Losses {

    private long count;
    private String lastReason;
    private IOException pending;

    /** How often the peer was lost or started afresh. */
    long count() {
        return count;
    }

    /** Why the peer was lost the last time. */
    String lastReason() {
        return lastReason;
    }

    /**
     * The peer's state was started afresh: counts it, and keeps a notice for the receiver above
     * unless one is waiting already.
     *
     * @param cause what the transport below reported, or {@code null}
     */
    void lost(String reason, IOException cause) {
        count++;
        lastReason = reason;
        notice(cause != null ? new IOException(reason, cause) : new IOException(reason));
    }

    /** Only the peer's own stream restarted: the receiver above is to hear of it, waiting senders go on. */
    void restarted(String reason) {
        notice(new IOException(reason));
    }

    /** Whether a notice waits for the receiver above. */
    boolean hasPending() {
        return pending != null;
    }

    /** The notice waiting for the receiver above, once; {@code null} if there is none. */
    IOException take() {
        IOException loss = pending;
        pending = null;
        return loss;
    }

    private void notice(IOException loss) {
        if (pending == null) {
            pending = loss;
        }
    }
}
