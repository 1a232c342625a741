package org.ministreaming.transport.i2cp;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nonces of the hellos accepted within the last two freshness windows, so that a hello is
 * accepted once. A hello is fresh while its time is within the window of the receiver's clock,
 * so a nonce accepted at time t can come back fresh until t plus two windows (a sender's clock
 * ahead by a window); it is kept that long.
 *
 * <p>At most {@link #CAPACITY} are kept. When more arrive within that time, the oldest is
 * forgotten and its hello's time becomes a floor: a hello no later than the floor is refused as if
 * replayed, so forgetting never lets a replay in (a flood of valid hellos can only refuse
 * honest hellos with old clocks for a while). Not thread-safe: the {@link Handshake} guards it.
 */
final class Nonces {

    /** The most nonces kept. */
    static final int CAPACITY = 65_536;

    private record Accepted(long acceptedAt, long helloTime) {
    }

    private final long keepMillis;
    private final int capacity;
    private final Map<Long, Accepted> accepted = new LinkedHashMap<>();
    private long floor = Long.MIN_VALUE;

    /**
     * @param windowMillis the freshness window: hellos more than this from the clock are stale
     * @param capacity the most nonces kept
     */
    Nonces(long windowMillis, int capacity) {
        this.keepMillis = 2 * windowMillis;
        this.capacity = capacity;
    }

    /**
     * Accepts a hello's nonce once.
     *
     * @param nonce the hello's nonce
     * @param helloTime the hello's time
     * @param now the receiver's clock
     * @return {@code false} if it was accepted before (or may have been: no later than the floor)
     */
    boolean accept(long nonce, long helloTime, long now) {
        for (Iterator<Accepted> oldest = accepted.values().iterator(); oldest.hasNext(); ) {
            if (now - oldest.next().acceptedAt() <= keepMillis) {
                break;
            }
            oldest.remove();
        }
        if (helloTime <= floor || accepted.containsKey(nonce)) {
            return false;
        }
        if (accepted.size() >= capacity) {
            Iterator<Accepted> oldest = accepted.values().iterator();
            floor = Math.max(floor, oldest.next().helloTime());
            oldest.remove();
        }
        accepted.put(nonce, new Accepted(now, helloTime));
        return true;
    }

    /** How many nonces are kept now. */
    int size() {
        return accepted.size();
    }
}
