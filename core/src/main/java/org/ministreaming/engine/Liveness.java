package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.Chaff;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * Pings, and the idle timeout that notices a peer that vanished without a close.
 *
 * <p>A peer that speaks the credit extension gets an {@code A4} ping and answers with a
 * {@code 54} pong, which measures the round trip. Any other peer gets the original's 1-byte
 * {@code FF}, which nobody answers. With an idle timeout set, a timer closes every connection
 * whose peer was silent for that long; halfway there, peers that speak the extension are pinged,
 * so quiet but healthy connections to them stay open.
 *
 * <p>The pings outstanding are kept per peer, by its {@link PeerSession}, at most
 * {@value #MAX_PENDING_PINGS} to one peer. Thread-safe.
 */
final class Liveness {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int MAX_PENDING_PINGS = 256;

    /** A ping sent and not yet answered; kept by the peer's {@link PeerSession} under its ping id. */
    record PendingPing(long token, long sentNanos, boolean keepalive, CompletableFuture<Long> answered) {
    }

    private final Engine engine;
    private final Random random;
    private final long idleNanos;
    /** Set by {@link #start}. */
    private volatile ScheduledExecutorService timer;

    Liveness(Engine engine, Random random, Duration idleTimeout) {
        this.engine = engine;
        this.random = random;
        this.idleNanos = Deadline.nanos(idleTimeout);
    }

    /** Starts the idle checks on {@code timer}, if an idle timeout is set, and keeps it for {@link #probeWhile}. */
    void start(ScheduledExecutorService timer) {
        this.timer = timer;
        if (idleNanos > 0) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleNanos / 4);
            timer.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Pings {@code peer}.
     *
     * @return the round trip, or empty for a peer that does not speak the extension, which got
     *     the original's unanswered 1-byte ping
     * @throws SocketTimeoutException if a peer that speaks the extension did not answer in time
     * @throws IOException if the ping could not be sent, or too many are outstanding to that peer
     */
    Optional<Duration> ping(Destination peer, Duration timeout) throws IOException {
        PeerSession session = engine.session(peer);
        if (session == null || !session.speaksExtension()) {
            engine.send(peer, Chaff.PING);
            return Optional.empty();
        }
        Map<ConnectionId, PendingPing> pending = session.pings();
        if (pending.size() >= MAX_PENDING_PINGS) {
            throw new IOException("too many pings outstanding (" + MAX_PENDING_PINGS + ")");
        }
        CompletableFuture<Long> answered = new CompletableFuture<>();
        ConnectionId id = send(session, false, answered);
        long sent = pending.get(id).sentNanos();
        try {
            return Optional.of(Duration.ofNanos(answered.get(Math.max(1, Deadline.nanos(timeout)), TimeUnit.NANOSECONDS) - sent));
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no pong from " + peer + " within " + Deadline.millis(timeout) + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("ping interrupted");
        } catch (ExecutionException e) {
            throw new IOException("ping to " + peer + " failed", e.getCause());
        } finally {
            pending.remove(id);
        }
    }

    private ConnectionId send(PeerSession session, boolean keepalive, CompletableFuture<Long> answered) throws IOException {
        long token = random.nextLong();
        ConnectionId id;
        do {
            id = ConnectionId.random(random);
        } while (session.pings().putIfAbsent(id, new PendingPing(token, System.nanoTime(), keepalive, answered)) != null);
        try {
            engine.send(session.peer(), Message.ping(id, token));
        } catch (IOException e) {
            session.pings().remove(id);
            throw e;
        }
        return id;
    }

    /**
     * Measures the round trip to {@code peer} for the receive windows, without waiting: when its
     * session's measurement is missing or old and no probe is outstanding, sends a ping by
     * {@link Engine#reply}; its pong updates the session's round trip.
     */
    void probe(Destination peer) {
        probe(peer, false);
    }

    /**
     * Probes {@code peer} on the timer every {@link CreditWait#PROBE_NANOS} for as long as
     * {@code waiting} says, asked before each probe: for a writer that waits for credit without a
     * thread of its own. Probes by the reply path, as the timer must not wait.
     */
    void probeWhile(Destination peer, BooleanSupplier waiting) {
        ScheduledExecutorService on = timer;
        if (on == null) {
            return;
        }
        try {
            on.schedule(() -> {
                if (waiting.getAsBoolean()) {
                    probe(peer, false);
                    probeWhile(peer, waiting);
                }
            }, CreditWait.PROBE_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // The engine is closing: every connection fails, and the waiting callback with it.
        }
    }

    /**
     * {@link #probe(Destination)}, but if {@code mayWait} by {@link Engine#replyOrWait}, for a
     * thread that may wait for the transport (a writer waiting for credit), so the probe is not
     * dropped when the transport takes no reply now.
     */
    void probe(Destination peer, boolean mayWait) {
        PeerSession session = engine.session(peer);
        long now = System.nanoTime();
        if (session == null || !session.probeDue(now)) {
            return;
        }
        PeerSession.Probe probe = session.startProbe(ConnectionId.random(random), random.nextLong(), now);
        if (probe != null && mayWait) {
            engine.replyOrWait(peer, Message.ping(probe.id(), probe.token()));
        } else if (probe != null) {
            engine.reply(peer, Message.ping(probe.id(), probe.token()));
        }
    }

    /** Receive path: a pong; one we asked for counts as hearing from the peer, and measures the round trip. */
    void onPong(Destination from, Message pong) {
        long now = System.nanoTime();
        PeerSession session = engine.session(from);
        if (session != null && session.probeAnswered(pong.id(), pong.token(), now)) {
            session.heardFrom();
            return;
        }
        PendingPing ping = session == null ? null : session.pings().get(pong.id());
        if (ping == null || ping.token() != pong.token()) {
            engine.unexpected(from, pong, "a pong for no ping sent", false);
            return;
        }
        if (ping.keepalive()) {
            session.pings().remove(pong.id());
        }
        ping.answered().complete(now);
        session.measured(now - ping.sentNanos(), now);
        session.heardFrom();
    }

    private void checkIdle() {
        try {
            long now = System.nanoTime();
            for (PeerSession session : engine.sessions().all()) {
                Map<ConnectionId, PendingPing> pending = session.pings();
                pending.values().removeIf(ping -> ping.keepalive() && now - ping.sentNanos() > idleNanos);
                boolean pinged = false;
                for (Connection connection : List.copyOf(session.connections())) {
                    long silent = now - connection.lastHeardNanos();
                    if (!connection.isOpen()) {
                        continue;
                    }
                    if (silent > idleNanos) {
                        engine.idle(connection, Duration.ofNanos(silent));
                    } else if (!pinged && silent > idleNanos / 2 && connection.hasCredit() && pending.size() < MAX_PENDING_PINGS) {
                        pinged = true;
                        keepalive(session);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "idle check failed", e);
        }
    }

    private void keepalive(PeerSession session) {
        try {
            send(session, true, new CompletableFuture<>());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "keepalive ping to " + session.peer() + " failed: " + e.getMessage());
        }
    }
}
