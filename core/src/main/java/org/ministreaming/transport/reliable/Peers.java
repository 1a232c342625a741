package org.ministreaming.transport.reliable;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.ministreaming.transport.Destination;

/**
 * The peers a {@link ReliableTransport} has state for, by destination, and what it kept of those
 * it forgot ({@link Forgotten}): a peer is made on first use, resuming its forgotten streams when
 * the frame that brought it back belongs to them, and dropped by {@link #forgetIfIdle}.
 *
 * <p>Thread-safe: the map is concurrent, and a peer is made at most once per lookup that finds
 * none.
 */
final class Peers {

    /** Makes a peer from what was kept of it and whether to resume its streams. */
    interface Factory {
        Peer make(Destination destination, Forgotten.Memory memory, boolean resume);
    }

    private final Map<Destination, Peer> peers = new ConcurrentHashMap<>();
    private final Forgotten forgotten = new Forgotten();
    private final Factory factory;
    private final Counters counters;

    Peers(Factory factory, Counters counters) {
        this.factory = factory;
        this.counters = counters;
    }

    /** The peer's state, or {@code null} if there is none. */
    Peer find(Destination destination) {
        return peers.get(destination);
    }

    /** The peer's state; made anew if there is none, resuming what was forgotten if {@code first} belongs to it. */
    Peer get(Destination destination, Frame first) {
        // Every frame looks its peer up: a known one without allocating the function that makes one.
        Peer known = peers.get(destination);
        return known != null ? known : peers.computeIfAbsent(destination, made(first));
    }

    private Function<Destination, Peer> made(Frame first) {
        return d -> {
            Forgotten.Memory memory = forgotten.take(d);
            boolean resume = first != null && memory.resumedBy(first);
            if (resume) {
                counters.increment(ReliableCounter.PEERS_RESUMED);
            }
            return factory.make(d, memory, resume);
        };
    }

    /**
     * The peer's state with its upcall lock held; a peer forgotten meanwhile is looked up afresh.
     *
     * @param first the frame that arrived from it, which may resume forgotten streams, or {@code null}
     */
    Peer lockUpcall(Destination destination, Frame first) {
        while (true) {
            Peer peer = get(destination, first);
            peer.upcall.lock();
            if (!peer.retired) {
                return peer;
            }
            peer.upcall.unlock();
        }
    }

    /**
     * Drops the peer's state if nothing is in flight to or from it and no message from it is being
     * handled, and keeps what it may resume; otherwise keeps the peer.
     *
     * @return whether this endpoint has no state for the peer any more (or had none)
     */
    boolean forgetIfIdle(Destination destination) {
        Peer peer = peers.get(destination);
        if (peer == null) {
            return true;
        }
        if (!peer.upcall.tryLock()) {
            return false;
        }
        try {
            Forgotten.Memory memory = peer.retireIfIdle();
            if (memory == null) {
                return false;
            }
            peers.remove(destination, peer);
            forgotten.remember(destination, memory);
            counters.increment(ReliableCounter.PEERS_FORGOTTEN);
            return true;
        } finally {
            peer.upcall.unlock();
        }
    }

    /** Every peer with state now. */
    Collection<Peer> all() {
        return peers.values();
    }

    /** The destinations of the peers with state now, a snapshot. */
    Set<Destination> destinations() {
        return Set.copyOf(peers.keySet());
    }
}
