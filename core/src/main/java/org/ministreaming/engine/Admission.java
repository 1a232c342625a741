package org.ministreaming.engine;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ministreaming.Counter;
import org.ministreaming.Limits;
import org.ministreaming.transport.Destination;

/**
 * Decides whether a new connection may be made, under the {@link Limits}: connections in all,
 * connections per peer, and SYNs per peer per second (a token bucket per peer). Refusals are
 * counted, and logged at most once per peer and limit every {@value #LOG_INTERVAL_SECONDS}
 * seconds, so a flood cannot flood the log.
 *
 * <p>Thread-safe. The per-peer maps forget peers that have no connections and a full bucket, so
 * they stay bounded by the peers currently active.
 */
final class Admission {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final long LOG_INTERVAL_SECONDS = 10;
    private static final int TIDY_ABOVE = 1024;

    private final Limits limits;
    private final Counters counters;
    private final Map<Destination, AtomicInteger> perPeer = new ConcurrentHashMap<>();
    private final Map<Destination, TokenBucket> synBuckets = new ConcurrentHashMap<>();
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    Admission(Limits limits, Counters counters) {
        this.limits = limits;
        this.counters = counters;
    }

    /**
     * Whether a SYN from {@code peer} may make a connection.
     *
     * @param total connections the manager holds now
     * @return the limit it broke (counted and logged), or {@code null} if admitted
     */
    Counter admitSyn(Destination peer, int total) {
        TokenBucket bucket = synBuckets.computeIfAbsent(peer, p -> new TokenBucket(limits.synsPerSecondPerPeer()));
        if (!bucket.tryTake()) {
            return refuse(peer, Counter.REFUSED_SYN_RATE, limits.synsPerSecondPerPeer() + " SYNs per second");
        }
        return admitConnection(peer, total);
    }

    /**
     * Whether a connection with {@code peer} may be made, by either side.
     *
     * @param total connections the manager holds now
     * @return the limit it broke (counted and logged), or {@code null} if admitted
     */
    Counter admitConnection(Destination peer, int total) {
        if (total >= limits.maxConnections()) {
            return refuse(peer, Counter.REFUSED_CONNECTION_LIMIT, limits.maxConnections() + " connections in all");
        }
        if (connectionsWith(peer) >= limits.maxConnectionsPerPeer()) {
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
            LOG.log(Level.INFO, "limit reached for " + peer + ": " + limit + " (" + counter
                    + "); further refusals for this peer and limit are counted, logged at most every "
                    + LOG_INTERVAL_SECONDS + " s");
        }
        return counter;
    }

    /** A connection with {@code peer} entered the table. */
    void opened(Destination peer) {
        perPeer.computeIfAbsent(peer, p -> new AtomicInteger()).incrementAndGet();
    }

    /** A connection with {@code peer} left the table. */
    void closed(Destination peer) {
        perPeer.computeIfPresent(peer, (p, count) -> count.decrementAndGet() <= 0 ? null : count);
        if (synBuckets.size() > TIDY_ABOVE) {
            synBuckets.values().removeIf(TokenBucket::isFull);
        }
    }

    /** Connections with {@code peer} in the table. */
    int connectionsWith(Destination peer) {
        AtomicInteger count = perPeer.get(peer);
        return count == null ? 0 : count.get();
    }

    /** Tokens refill at {@code perSecond}; the bucket holds one second's worth. Thread-safe. */
    private static final class TokenBucket {
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

        synchronized boolean isFull() {
            refill();
            return tokens >= perSecond;
        }

        private void refill() {
            long now = System.nanoTime();
            tokens = Math.min(perSecond, tokens + (now - refilledNanos) * perSecond / 1e9);
            refilledNanos = now;
        }
    }
}
