package org.ministreaming.transport.reliable;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ministreaming.transport.Destination;

/**
 * The epochs of peers a {@link ReliableTransport} forgot, so that a frame of a stream it gave up
 * on (a late duplicate, or a peer that kept its state) is known as stale when the peer comes
 * back, instead of being taken as the start of a new stream. Bounded: it holds the last
 * {@link #CAPACITY} peers forgotten, a few integers each; a peer that comes back takes its entry.
 *
 * <p>Thread-safe: its monitor guards everything.
 */
final class Forgotten {

    /** How many forgotten peers are remembered. */
    static final int CAPACITY = 4096;

    private final Map<Destination, int[]> epochs = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Destination, int[]> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Remembers the peer's epochs, the current one and the retired ones; nothing for none. */
    synchronized void remember(Destination peer, int[] peerEpochs) {
        if (peerEpochs.length > 0) {
            epochs.put(peer, peerEpochs);
        }
    }

    /** Takes what is remembered of {@code peer}: its epochs, or none. */
    synchronized int[] take(Destination peer) {
        int[] known = epochs.remove(peer);
        return known == null ? new int[0] : known;
    }

    /** How many peers are remembered, for tests. */
    synchronized int size() {
        return epochs.size();
    }
}
