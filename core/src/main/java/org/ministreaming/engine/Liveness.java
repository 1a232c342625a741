package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Thread-safe.
 */
final class Liveness {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int MAX_PENDING_PINGS = 256;

    private record PingKey(Destination peer, ConnectionId id) {
    }

    private record PendingPing(long token, long sentNanos, boolean keepalive, CompletableFuture<Long> answered) {
    }

    private final Engine engine;
    private final Random random;
    private final long idleNanos;
    private final Map<PingKey, PendingPing> pending = new ConcurrentHashMap<>();

    Liveness(Engine engine, Random random, Duration idleTimeout) {
        this.engine = engine;
        this.random = random;
        this.idleNanos = idleTimeout.toNanos();
    }

    /** Starts the idle checks on {@code timer}, if an idle timeout is set. */
    void start(ScheduledExecutorService timer) {
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
     * @throws IOException if the ping could not be sent, or too many are outstanding
     */
    Optional<Duration> ping(Destination peer, Duration timeout) throws IOException {
        if (!engine.speaksExtension(peer)) {
            engine.send(peer, Chaff.PING);
            return Optional.empty();
        }
        if (pending.size() >= MAX_PENDING_PINGS) {
            throw new IOException("too many pings outstanding (" + MAX_PENDING_PINGS + ")");
        }
        CompletableFuture<Long> answered = new CompletableFuture<>();
        PingKey key = send(peer, false, answered);
        long sent = pending.get(key).sentNanos();
        try {
            return Optional.of(Duration.ofNanos(answered.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS) - sent));
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no pong from " + peer + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("ping interrupted");
        } catch (ExecutionException e) {
            throw new IOException("ping to " + peer + " failed", e.getCause());
        } finally {
            pending.remove(key);
        }
    }

    private PingKey send(Destination peer, boolean keepalive, CompletableFuture<Long> answered) throws IOException {
        long token = random.nextLong();
        PingKey key;
        do {
            key = new PingKey(peer, ConnectionId.random(random));
        } while (pending.putIfAbsent(key, new PendingPing(token, System.nanoTime(), keepalive, answered)) != null);
        try {
            engine.send(peer, Message.ping(key.id(), token));
        } catch (IOException e) {
            pending.remove(key);
            throw e;
        }
        return key;
    }

    /** Receive path: a pong; one we asked for counts as hearing from the peer. */
    void onPong(Destination from, Message pong) {
        PingKey key = new PingKey(from, pong.id());
        PendingPing ping = pending.get(key);
        if (ping == null || ping.token() != pong.token()) {
            engine.unexpected(from, pong, "a pong for no ping sent");
            return;
        }
        if (ping.keepalive()) {
            pending.remove(key);
        }
        ping.answered().complete(System.nanoTime());
        engine.heardFrom(from);
    }

    private void checkIdle() {
        try {
            long now = System.nanoTime();
            pending.entrySet().removeIf(entry -> entry.getValue().keepalive() && now - entry.getValue().sentNanos() > idleNanos);
            Set<Destination> pinged = new HashSet<>();
            for (Connection connection : engine.connections()) {
                long silent = now - connection.lastHeardNanos();
                if (!connection.isOpen()) {
                    continue;
                }
                if (silent > idleNanos) {
                    engine.idle(connection, Duration.ofNanos(silent));
                } else if (silent > idleNanos / 2 && connection.hasCredit() && pinged.add(connection.peer())
                        && pending.size() < MAX_PENDING_PINGS) {
                    keepalive(connection.peer());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "idle check failed", e);
        }
    }

    private void keepalive(Destination peer) {
        try {
            send(peer, true, new CompletableFuture<>());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "keepalive ping to " + peer + " failed: " + e.getMessage());
        }
    }
}
