package org.ministreaming.engine;

import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.ministreaming.transport.Destination;

/**
 * One write's wait for credit: its deadline (none for a write timeout of 0), and when to probe the
 * peer next. A writer waiting for credit has nothing of its own in flight, so without a probe it
 * would not learn that the peer is gone when only the peer's side noticed, as when the peer's
 * transport gave up on this endpoint while the path lost its credit: the probe (a ping, the
 * windows' round-trip probe, sent by {@link Engine#replyOrWait}, so that a transport that takes
 * no reply now does not drop it) is something in flight, which the transport then delivers, or
 * gives up on and reports the peer lost.
 *
 * <p>Not thread-safe: one writer's, used under its connection's lock.
 */
final class CreditWait {

    /** How long a writer waits for credit before it probes the peer, and again after each probe. */
    static final long PROBE_NANOS = PeerSession.PROBE_INTERVAL_NANOS;

    private final long timeoutMillis;
    private final long deadline;
    private long probeAt;

    /** A wait that starts at {@code now}, bounded by {@code timeoutMillis} (0: no bound). */
    CreditWait(long timeoutMillis, long now) {
        this.timeoutMillis = timeoutMillis;
        this.deadline = now + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.probeAt = now + PROBE_NANOS;
    }

    /**
     * How long to wait for credit now, or 0 when the peer is to be probed first (the next probe
     * is then due a probe interval later).
     *
     * @throws SocketTimeoutException if the write timeout passed
     */
    long next(long now, Destination peer) throws SocketTimeoutException {
        if (timeoutMillis != 0 && deadline - now <= 0) {
            throw new SocketTimeoutException("Write timed out after " + timeoutMillis + " ms: " + peer
                    + " granted no credit, its reader is not keeping up");
        }
        if (probeAt - now <= 0) {
            probeAt = now + PROBE_NANOS;
            return 0;
        }
        return timeoutMillis == 0 ? probeAt - now : Math.min(probeAt - now, deadline - now);
    }
}
