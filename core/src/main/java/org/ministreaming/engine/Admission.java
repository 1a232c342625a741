package org.ministreaming.engine;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ministreaming.Counter;
import org.ministreaming.Limits;
import org.ministreaming.transport.Destination;

/**
 * Decides whether a new connection may be made, under the {@link Limits}: connections in all,
 * connections per peer, and SYNs per peer per second (a token bucket per peer). Refusals are
 * counted, and logged at most once per peer and limit every {@value #LOG_INTERVAL_SECONDS}
 * seconds, so a flood cannot flood the log.
 *
 * <p>Thread-safe. The per-peer state it judges (connections, the SYN bucket) lives in each peer's
 * {@link PeerSession}, and goes with it.
 */
final class Admission {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final long LOG_INTERVAL_SECONDS = 10;
    private static final int TIDY_ABOVE = 1024;

    private final Limits limits;
    private final Counters counters;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    Admission(Limits limits, Counters counters) {
        this.limits = limits;
        this.counters = counters;
    }

    /**
     * Whether a SYN from the session's peer may make a connection.
     *
     * @param total connections the manager holds now
     * @return the limit it broke (counted and logged), or {@code null} if admitted
     */
    Counter admitSyn(PeerSession session, int total) {
        if (!session.synBucket().tryTake()) {
            return refuse(session.peer(), Counter.REFUSED_SYN_RATE, limits.synsPerSecondPerPeer() + " SYNs per second");
        }
        return admitConnection(session.peer(), session.connectionCount(), total);
    }

    /**
     * Whether a connection with {@code peer} may be made, by either side.
     *
     * @param withPeer connections with {@code peer} now
     * @param total connections the manager holds now
     * @return the limit it broke (counted and logged), or {@code null} if admitted
     */
    Counter admitConnection(Destination peer, int withPeer, int total) {
        if (total >= limits.maxConnections()) {
            return refuse(peer, Counter.REFUSED_CONNECTION_LIMIT, limits.maxConnections() + " connections in all");
        }
        if (withPeer >= limits.maxConnectionsPerPeer()) {
            return refuse(peer, Counter.REFUSED_PEER_LIMIT, limits.maxConnectionsPerPeer() + " connections per peer");
        }
        return null;
    }

    /** Counts and logs a refusal; {@code limit} says which limit, for the log. */
    Counter refuse(Destination peer, Counter counter, String limit) {
        counters.increment(counter);
        String key = peer + " " + counter;
        long now = System.nanoTime();
        Long last = lastLogged.get(key);
        if (last == null || now - last > TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS)) {
            if (lastLogged.size() > TIDY_ABOVE) {
                lastLogged.clear();
            }
            lastLogged.put(key, now);
            LOG.log(Level.WARNING, "limit reached for " + peer + ": " + limit + " (" + counter
                    + "); further refusals for this peer and limit are counted, logged at most every "
                    + LOG_INTERVAL_SECONDS + " s");
        }
        return counter;
    }

    /** Tokens refill at {@code perSecond}; the bucket holds one second's worth. Thread-safe. */
    static final class TokenBucket {
        private final double perSecond;
        private double tokens;
        private long refilledNanos = System.nanoTime();

        TokenBucket(int perSecond) {
            this.perSecond = perSecond;
            this.tokens = perSecond;
        }

        synchronized boolean tryTake() {
            refill();
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        private void refill() {
            long now = System.nanoTime();
            tokens = Math.min(perSecond, tokens + (now - refilledNanos) * perSecond / 1e9);
            refilledNanos = now;
        }
    }
}
