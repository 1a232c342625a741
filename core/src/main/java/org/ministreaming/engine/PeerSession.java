package org.ministreaming.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.ministreaming.Role;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;

/**
 * Everything this endpoint knows about one peer: its connections by (role, local id), the index
 * of its SYNs by client id, its SYN bucket, its outstanding pings, and when it was last left
 * without connections. The counterpart of yamux's {@code Session} or OkHttp's
 * {@code Http2Connection}: every per-peer question is answered here, at the cost of that peer's
 * connections only, and {@link #fail} ends them all with one cause.
 *
 * <p>A session with no connections and no pings is forgotten once it has been so for the grace
 * period ({@link Engine} decides when; {@link #retireIfUnused} makes the decision atomic with
 * respect to {@link #add}). A retired session takes no connections: the engine then makes a new
 * one.
 *
 * <p>Thread-safe. The maps are concurrent, so the receive path reads them without a lock; adding
 * and removing connections and retiring go through this object's monitor, which is held briefly
 * and never while calling out.
 */
final class PeerSession {

    /** What {@link #add} did. */
    enum Added { ADDED, ID_TAKEN, RETIRED }

    private record Key(Role role, ConnectionId localId) {
    }

    /** A ping sent to measure the round trip for the receive windows; nobody waits for it. */
    record Probe(ConnectionId id, long token, long sentNanos) {
    }

    /** How old a round-trip measurement may be before a grant asks for a new one. */
    static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a probe may go unanswered before another may be sent. */
    static final long PROBE_LOST_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Destination peer;
    private final Map<Key, Connection> connections = new ConcurrentHashMap<>();
    private final Map<ConnectionId, ServerConnection> bySyn = new ConcurrentHashMap<>();
    private final Map<ConnectionId, Liveness.PendingPing> pings = new ConcurrentHashMap<>();
    private final Admission.TokenBucket synBucket;
    private final AtomicReference<Probe> probe = new AtomicReference<>();
    /** The smoothed round trip, 0 before the first pong. Guarded by this for writes. */
    private volatile long roundTripNanos;
    private volatile long measuredAtNanos;
    /** Guarded by this. */
    private long emptySinceNanos;
    /** Guarded by this. */
    private boolean retired;
    /** Whether the engine has a check of this session scheduled. Guarded by this. */
    private boolean checkScheduled;

    PeerSession(Destination peer, int synsPerSecond, long nowNanos) {
        this.peer = peer;
        this.synBucket = new Admission.TokenBucket(synsPerSecond);
        this.emptySinceNanos = nowNanos;
    }

    /** The peer. */
    Destination peer() {
        return peer;
    }

    /** Adds a connection, and for a server connection its SYN index entry. */
    synchronized Added add(Connection connection) {
        if (retired) {
            return Added.RETIRED;
        }
        if (connections.putIfAbsent(new Key(connection.role(), connection.localId()), connection) != null) {
            return Added.ID_TAKEN;
        }
        if (connection instanceof ServerConnection server) {
            bySyn.put(server.remoteId(), server);
        }
        return Added.ADDED;
    }

    /**
     * Removes a connection that has ended.
     *
     * @return whether it was here (it is removed once)
     */
    synchronized boolean remove(Connection connection) {
        if (connection instanceof ServerConnection server) {
            bySyn.remove(server.remoteId(), server);
        }
        boolean removed = connections.remove(new Key(connection.role(), connection.localId()), connection);
        if (removed && connections.isEmpty()) {
            emptySinceNanos = System.nanoTime();
        }
        return removed;
    }

    /** The connection with this role and local id, or {@code null}. */
    Connection find(Role role, ConnectionId localId) {
        return connections.get(new Key(role, localId));
    }

    /** The server connection a SYN with this client id made, or {@code null}. */
    ServerConnection bySyn(ConnectionId clientId) {
        return bySyn.get(clientId);
    }

    /** The connections now. */
    Collection<Connection> connections() {
        return connections.values();
    }

    /** How many connections there are now. */
    int connectionCount() {
        return connections.size();
    }

    /** The token bucket of this peer's SYNs. */
    Admission.TokenBucket synBucket() {
        return synBucket;
    }

    /** The pings sent to this peer and not yet answered or given up, by ping id. */
    Map<ConnectionId, Liveness.PendingPing> pings() {
        return pings;
    }

    /**
     * The round trip to the peer, smoothed over its pongs as TCP smooths its estimate (each new
     * sample weighs an eighth), in nanoseconds; 0 before the first pong.
     */
    long roundTripNanos() {
        return roundTripNanos;
    }

    /**
     * Starts the estimate from the round trip a forgotten session with the same peer had, as a
     * first sample, so that the peer's windows may grow before a pong measures it anew; the next
     * grant still asks for a measurement. Nothing changes if a pong measured it already.
     */
    synchronized void startFrom(long rememberedNanos, long nowNanos) {
        if (roundTripNanos == 0 && rememberedNanos > 0) {
            roundTripNanos = rememberedNanos;
            measuredAtNanos = nowNanos - PROBE_INTERVAL_NANOS;
        }
    }

    /** A pong arrived {@code sampleNanos} after its ping. */
    synchronized void measured(long sampleNanos, long nowNanos) {
        long sample = Math.max(1, sampleNanos);
        roundTripNanos = roundTripNanos == 0 ? sample : (7 * roundTripNanos + sample) / 8;
        measuredAtNanos = nowNanos;
    }

    /**
     * Claims the right to send a probe, if the round trip was never measured or not for
     * {@link #PROBE_INTERVAL_NANOS}, and no probe is outstanding (or the last was lost).
     *
     * @return the probe to send, or {@code null} when none is due
     */
    Probe startProbe(ConnectionId id, long token, long nowNanos) {
        Probe outstanding = probe.get();
        if (!probeDue(outstanding, nowNanos)) {
            return null;
        }
        Probe next = new Probe(id, token, nowNanos);
        return probe.compareAndSet(outstanding, next) ? next : null;
    }

    /** Whether {@link #startProbe} would claim a probe now (so the caller need not draw its id and token). */
    boolean probeDue(long nowNanos) {
        return probeDue(probe.get(), nowNanos);
    }

    private boolean probeDue(Probe outstanding, long nowNanos) {
        if (roundTripNanos != 0 && nowNanos - measuredAtNanos < PROBE_INTERVAL_NANOS) {
            return false;
        }
        return outstanding == null || nowNanos - outstanding.sentNanos() >= PROBE_LOST_NANOS;
    }

    /**
     * A pong: if it answers the outstanding probe, the probe is done and its round trip noted.
     *
     * @return whether it answered the probe
     */
    boolean probeAnswered(ConnectionId id, long token, long nowNanos) {
        Probe outstanding = probe.get();
        if (outstanding == null || !outstanding.id().equals(id) || outstanding.token() != token
                || !probe.compareAndSet(outstanding, null)) {
            return false;
        }
        measured(nowNanos - outstanding.sentNanos(), nowNanos);
        return true;
    }

    /** Whether some open connection with this peer agreed to the credit extension. */
    boolean speaksExtension() {
        for (Connection connection : connections.values()) {
            if (connection.hasCredit() && connection.isOpen()) {
                return true;
            }
        }
        return false;
    }

    /** The peer was heard from (it answered a ping): every connection with it counts as heard from. */
    void heardFrom() {
        for (Connection connection : connections.values()) {
            connection.heard();
        }
    }

    /**
     * Ends every connection with this peer with the same cause.
     *
     * @param tellPeer whether to send a close where the peer still counts a connection open
     */
    void fail(IOException cause, boolean tellPeer) {
        List<Connection> all = new ArrayList<>(connections.values());
        for (Connection connection : all) {
            connection.fail(cause, tellPeer);
        }
    }

    /**
     * Retires the session if it has had no connections and no pings for {@code graceNanos}.
     *
     * @return whether it is retired now; it then takes no more connections
     */
    synchronized boolean retireIfUnused(long nowNanos, long graceNanos) {
        if (!retired && connections.isEmpty() && pings.isEmpty() && nowNanos - emptySinceNanos >= graceNanos) {
            retired = true;
        }
        return retired;
    }

    /**
     * Notes that the engine is about to schedule a check of this session.
     *
     * @return {@code false} if one is scheduled already
     */
    synchronized boolean checkScheduling() {
        if (checkScheduled) {
            return false;
        }
        checkScheduled = true;
        return true;
    }

    /**
     * After a check that did not retire the session: how long until the next one (a whole grace
     * period when only pings kept it), or -1 when the session has connections again (the next time
     * it is left without, a check is scheduled).
     */
    synchronized long nextCheckNanos(long nowNanos, long graceNanos) {
        if (!connections.isEmpty()) {
            checkScheduled = false;
            return -1;
        }
        long remaining = graceNanos - (nowNanos - emptySinceNanos);
        return remaining > 0 ? remaining : graceNanos;
    }

    @Override
    public String toString() {
        return "PeerSession[" + peer + ", " + connections.size() + " connections]";
    }
}
