package org.ministreaming.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.ministreaming.Role;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.wire.ConnectionId;

/**
 * An engine's sessions, one {@link PeerSession} per peer: made when a peer first gets a
 * connection or sends a SYN that is judged, and forgotten on the timer once the peer has had no
 * connections for the grace period, after which the transport is told
 * ({@link Transport#forget}). Also counts the connections over all sessions, and keeps the round
 * trip of the last {@value #REMEMBERED} sessions forgotten, which a new session with the same peer
 * starts from (as Linux's {@code tcp_metrics} keeps a path's round trip for its next connection):
 * its windows may then grow from the start ({@link ReceiveWindows}), instead of after a ping has
 * crossed the path.
 *
 * <p>Thread-safe. The map is concurrent; a session is removed only inside the map's
 * {@code computeIfPresent} and only once it has retired, so a connection joining it at that
 * moment either lands before (and the session stays) or finds it retired and makes a new one.
 */
final class PeerSessions {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int ID_ATTEMPTS = 64;
    /** How many forgotten sessions' round trips are kept. */
    static final int REMEMBERED = 1024;

    private final Transport transport;
    private final EngineSettings settings;
    private final ScheduledExecutorService timer;
    private final Map<Destination, PeerSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    /** Forgotten sessions' round trips, least recently forgotten or met again first. Guarded by itself. */
    private final Map<Destination, Long> roundTrips = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Destination, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    PeerSessions(Transport transport, EngineSettings settings, ScheduledExecutorService timer) {
        this.transport = transport;
        this.settings = settings;
        this.timer = timer;
    }

    /** The session with {@code peer}, or {@code null} when there is none (nothing is made). */
    PeerSession get(Destination peer) {
        return sessions.get(peer);
    }

    /** The session with {@code peer}, made if there is none. */
    PeerSession getOrMake(Destination peer) {
        PeerSession[] made = new PeerSession[1];
        PeerSession session = sessions.computeIfAbsent(peer,
                p -> made[0] = new PeerSession(p, settings.limits().synsPerSecondPerPeer(), System.nanoTime()));
        if (session == made[0]) {
            session.startFrom(rememberedRoundTrip(peer), System.nanoTime());
            scheduleCheck(session);
        }
        return session;
    }

    /** The round trip of the last session forgotten with {@code peer}, 0 if none is kept. */
    long rememberedRoundTrip(Destination peer) {
        synchronized (roundTrips) {
            Long nanos = roundTrips.get(peer);
            return nanos == null ? 0 : nanos;
        }
    }

    private void remember(PeerSession session) {
        long nanos = session.roundTripNanos();
        if (nanos <= 0) {
            return;
        }
        synchronized (roundTrips) {
            roundTrips.put(session.peer(), nanos);
        }
    }

    /** The sessions now. */
    Collection<PeerSession> all() {
        return sessions.values();
    }

    /** The connections now, over all sessions. */
    List<Connection> connections() {
        List<Connection> all = new ArrayList<>();
        for (PeerSession session : sessions.values()) {
            all.addAll(session.connections());
        }
        return all;
    }

    /** Connections over all sessions. */
    int connectionCount() {
        return connectionCount.get();
    }

    /**
     * Makes a connection with a fresh random local id and adds it to the peer's session; a
     * session retired meanwhile is replaced by a new one.
     *
     * @throws IOException if {@value #ID_ATTEMPTS} random ids were all taken
     */
    <C extends Connection> C register(Destination peer, Role role, Function<ConnectionId, C> create) throws IOException {
        int attempt = 0;
        while (attempt < ID_ATTEMPTS) {
            C connection = create.apply(ConnectionId.random(settings.random()));
            PeerSession session = getOrMake(peer);
            switch (session.add(connection)) {
                case ADDED -> {
                    connectionCount.incrementAndGet();
                    return connection;
                }
                case ID_TAKEN -> attempt++;
                default -> sessions.remove(peer, session); // retired: the next round makes its successor
            }
        }
        throw new IOException("no free " + role + " connection id with " + peer + " after " + ID_ATTEMPTS + " tries");
    }

    /** A connection ended: it leaves its session, whose grace period starts if it was the last. */
    void remove(Connection connection) {
        PeerSession session = sessions.get(connection.peer());
        if (session != null && session.remove(connection)) {
            connectionCount.decrementAndGet();
            if (session.connectionCount() == 0) {
                scheduleCheck(session);
            }
        }
    }

    private void scheduleCheck(PeerSession session) {
        if (session.checkScheduling()) {
            scheduleCheck(session, Deadline.nanos(settings.peerGrace()));
        }
    }

    private void scheduleCheck(PeerSession session, long delayNanos) {
        try {
            timer.schedule(() -> check(session), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            LOG.log(Level.DEBUG, () -> session + " not checked: the manager is closing");
        }
    }

    private void forgetInTransport(Destination peer) {
        try {
            transport.forget(peer);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the transport failed to forget " + peer, e);
        }
    }

    /** Timer: forgets the session if it has had no connections for the grace period, else checks again later. */
    private void check(PeerSession session) {
        long now = System.nanoTime();
        long grace = Deadline.nanos(settings.peerGrace());
        boolean[] retired = new boolean[1];
        // The transport forgets inside the map's lock on that peer, so no new session (no new
        // message to it) can come between: one that tried waits for the forget to finish.
        sessions.computeIfPresent(session.peer(), (peer, current) -> {
            retired[0] = current == session && session.retireIfUnused(now, grace);
            if (retired[0]) {
                remember(session);
                forgetInTransport(peer);
            }
            return retired[0] ? null : current;
        });
        if (retired[0]) {
            LOG.log(Level.DEBUG, () -> "forgot " + session.peer() + ": no connections for " + Deadline.millis(settings.peerGrace()) + " ms");
            return;
        }
        long next = session.nextCheckNanos(now, grace);
        if (next > 0) {
            scheduleCheck(session, next);
        }
    }
}
