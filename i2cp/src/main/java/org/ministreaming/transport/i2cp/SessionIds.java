package org.ministreaming.transport.i2cp;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import net.i2p.data.Destination;
import net.i2p.data.Hash;

/**
 * The handshake's state per peer (docs/protocol.md §15, "The handshake"): the session id this side
 * receives with from the peer, the peer's id once its hello came, and which envelope to send
 * next. Also the destinations that have proven themselves with a hello: named envelopes naming
 * them are forgeries. A session forgotten ({@link #forget}) keeps taking compact envelopes for a
 * while, so that a peer that still has it is heard at once.
 *
 * <p>Which envelope goes to a peer:
 * <ul>
 *   <li>named (kind 01) if the peer speaks the version before: it sent named envelopes without
 *       this version's port and never a hello;</li>
 *   <li>compact once the peer's hello came and the peer showed it has ours (its hello echoed our
 *       id, or it sent a compact envelope), unless the peer has been silent: {@value #STALL_SENDS}
 *       sends or more before this one without an answer, the first of them longer ago than the
 *       silence time.
 *       Then hellos go, so that a peer that restarted and forgot our id learns it again;</li>
 *   <li>a hello otherwise; but towards a peer never heard from that stays silent, every second
 *       message is named (unless unproven peers are refused), since a peer of the version before
 *       cannot read hellos.</li>
 * </ul>
 *
 * <p>Thread-safe: every method holds this object's lock.
 */
final class SessionIds {

    /** Unanswered sends before a peer counts as silent (with the silence time passed). */
    static final int STALL_SENDS = 3;
    /** How many proven destinations are remembered, the least recently seen forgotten first. */
    static final int PROVEN_CAPACITY = 16_384;
    /** How many forgotten sessions still take compact envelopes, the oldest dropped first. */
    static final int FORGOTTEN_CAPACITY = 4096;

    /** An envelope's kind. */
    enum Kind { NAMED, HELLO, COMPACT }

    /**
     * What to send to a peer.
     *
     * @param kind the envelope
     * @param ownId the id this side receives with from the peer
     * @param peerId the id the peer receives with, 0 if not known
     */
    record Outgoing(Kind kind, long ownId, long peerId) {
    }

    private static final class Peer {
        final Destination destination;
        final long ownId;
        long peerId;
        long lastHelloTime = Long.MIN_VALUE;
        boolean confirmed;
        boolean versionBefore;
        boolean heard;
        int unanswered;
        long unansweredSince;

        Peer(Destination destination, long ownId) {
            this.destination = destination;
            this.ownId = ownId;
        }
    }

    private final Map<Destination, Peer> byPeer = new HashMap<>();
    /** The sessions forgotten lately that still take compact envelopes, by peer, the oldest first. */
    private final Map<Long, Peer> byId = new HashMap<>();
    private final Map<Destination, Peer> forgotten = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Destination, Peer> eldest) {
            if (size() <= FORGOTTEN_CAPACITY) {
                return false;
            }
            byId.remove(eldest.getValue().ownId);
            return true;
        }
    };
    private final Map<Hash, Boolean> proven = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, Boolean> eldest) {
            return size() > PROVEN_CAPACITY;
        }
    };
    private final LongSupplier random;
    private final long silenceNanos;
    private final boolean namedAllowed;

    /**
     * @param random random 64-bit numbers, for session ids
     * @param silenceNanos how long a peer may stay silent before hellos go again
     * @param namedAllowed whether named envelopes may be sent (unproven peers are not refused)
     */
    SessionIds(LongSupplier random, long silenceNanos, boolean namedAllowed) {
        this.random = random;
        this.silenceNanos = silenceNanos;
        this.namedAllowed = namedAllowed;
    }

    /** What to send to {@code to} now; counts the send as unanswered until the peer is heard. */
    synchronized Outgoing sending(Destination to, long nowNanos) {
        Peer peer = peer(to);
        if (peer.unanswered++ == 0) {
            peer.unansweredSince = nowNanos;
        }
        boolean silent = peer.unanswered > STALL_SENDS && nowNanos - peer.unansweredSince > silenceNanos;
        Kind kind;
        if (peer.versionBefore) {
            kind = Kind.NAMED;
        } else if (peer.peerId != 0 && peer.confirmed && !silent) {
            kind = Kind.COMPACT;
        } else if (silent && !peer.heard && namedAllowed && peer.unanswered % 2 == 0) {
            kind = Kind.NAMED;
        } else {
            kind = Kind.HELLO;
        }
        return new Outgoing(kind, peer.ownId, peer.peerId);
    }

    /**
     * A valid hello from {@code from} (signature, recipient, time and nonce checked): the peer is
     * proven, and a hello newer than any before it from the peer gives its id and tells whether it
     * has ours.
     */
    synchronized void hello(Destination from, long senderId, long echo, long time) {
        Peer peer = received(from);
        if (time >= peer.lastHelloTime) {
            peer.lastHelloTime = time;
            peer.peerId = senderId;
            peer.confirmed = echo == peer.ownId;
        }
        peer.versionBefore = false;
        proven.put(from.calculateHash(), Boolean.TRUE);
        heard(peer);
    }

    /**
     * The peer a compact envelope's session id was given to, which thereby shows it has our hello.
     * A session forgotten lately comes back: the peer did not forget us, or sends again what we
     * did not acknowledge in time.
     *
     * @return {@code null} if no peer has that id
     */
    synchronized Destination compact(long sessionId) {
        Peer peer = byId.get(sessionId);
        if (peer == null) {
            return null;
        }
        restore(peer.destination);
        peer.confirmed = true;
        heard(peer);
        return peer.destination;
    }

    /**
     * A named envelope from {@code from}.
     *
     * @param currentVersion whether it has this version's port: the sender speaks the handshake
     * @return {@code false} if {@code from} has proven itself, so the envelope is forged
     */
    synchronized boolean named(Destination from, boolean currentVersion) {
        if (proven.containsKey(from.calculateHash())) {
            return false;
        }
        Peer peer = received(from);
        if (!currentVersion && peer.peerId == 0) {
            peer.versionBefore = true;
        }
        heard(peer);
        return true;
    }

    /** Whether {@code destination} has proven itself with a hello (and is still remembered). */
    synchronized boolean isProven(Destination destination) {
        return proven.containsKey(destination.calculateHash());
    }

    /**
     * Forgets the session with {@code peer}: the next message to it starts a new one. Its id goes on
     * taking compact envelopes until the peer uses it ({@link #compact}), a new session with the
     * peer starts, or {@value #FORGOTTEN_CAPACITY} sessions were forgotten since. It stays proven.
     */
    synchronized void forget(Destination peer) {
        Peer gone = byPeer.remove(peer);
        if (gone != null) {
            forgotten.put(peer, gone);
        }
    }

    /** How many peers have a session now. */
    synchronized int size() {
        return byPeer.size();
    }

    /** The session with a peer that sent us something: the current one, one forgotten lately, or a new one. */
    private Peer received(Destination from) {
        restore(from);
        return peer(from);
    }

    /** Makes the session forgotten lately with {@code peer} its session again, if there is one (then it has no other). */
    private void restore(Destination peer) {
        Peer old = forgotten.remove(peer);
        if (old != null) {
            byPeer.put(peer, old);
        }
    }

    /** The session with a peer: the current one, or a new one (a session forgotten with it is dropped). */
    private Peer peer(Destination destination) {
        Peer peer = byPeer.get(destination);
        if (peer == null) {
            Peer old = forgotten.remove(destination);
            if (old != null) {
                byId.remove(old.ownId);
            }
            long id;
            do {
                id = random.getAsLong();
            } while (id == 0 || byId.containsKey(id));
            peer = new Peer(destination, id);
            byPeer.put(destination, peer);
            byId.put(id, peer);
        }
        return peer;
    }

    private static void heard(Peer peer) {
        peer.heard = true;
        peer.unanswered = 0;
    }
}
