package org.ministreaming.engine;

import org.ministreaming.transport.Destination;

/**
 * The self-tuning receive windows of a manager's connections under the credit extension. Each
 * starts at the window it offered ({@code receiveBufferSize}) and doubles, up to
 * {@code maxReceiveWindow}, when a grant finds that its reader keeps up and that the round trip
 * says more could be in flight: the reader consumed the last quarter window in less than one
 * round trip to the peer (as yamux grows a window whose half was used within two round trips, or
 * QUIC's auto-tuning), and less than a quarter window was waiting to be read at this grant and
 * at the last. An idle connection sends no grants and a slow reader's buffer stays full, so
 * neither grows; a window never shrinks.
 *
 * <p>Growth is reserved from an allowance of half the manager's receive budget, over all
 * connections, before the window grows, and given back when the connection ends: however many
 * connections grow, their windows together exceed their first windows by at most that much. A
 * connection whose growth the allowance cannot cover keeps its window.
 *
 * <p>The round trip is the peer session's (see {@link PeerSession#roundTripNanos}), measured by
 * pings; without a measurement nothing grows, and a grant asks for one ({@link Liveness#probe}).
 *
 * <p>Thread-safe: {@link #grant} runs under the connection's lock, the allowance is lock-free.
 */
final class ReceiveWindows {

    private final int maxWindow;
    private final boolean tuning;
    private final ReceiveBudget<Object> allowance;

    /**
     * @param firstWindow the window each connection offers
     * @param maxWindow the largest window a connection grows to; none grows if not above {@code firstWindow}
     * @param receiveBudget the manager's receive budget; half of it (at least 1) may go to growth
     */
    ReceiveWindows(int firstWindow, int maxWindow, long receiveBudget) {
        this.maxWindow = maxWindow;
        this.tuning = maxWindow > firstWindow;
        this.allowance = new ReceiveBudget<>(Math.max(1, receiveBudget / 2));
    }

    /**
     * The growth policy, a pure function: the window a connection should have after a grant.
     *
     * @param window the window now
     * @param maxWindow the largest allowed
     * @param sinceLastGrantNanos how long since the last grant, while a quarter window was read;
     *     negative when there was none
     * @param roundTripNanos the round trip to the peer; 0 or less when not measured
     * @param keptUp whether less than a quarter window was waiting to be read at this grant and at
     *     the last
     * @return the window now or, when it should grow, twice that, at most {@code maxWindow}
     */
    static int nextWindow(int window, int maxWindow, long sinceLastGrantNanos, long roundTripNanos, boolean keptUp) {
        if (window >= maxWindow || !keptUp || roundTripNanos <= 0 || sinceLastGrantNanos < 0
                || sinceLastGrantNanos >= roundTripNanos) {
            return window;
        }
        return (int) Math.min(maxWindow, 2L * window);
    }

    /**
     * Under {@code connection}'s lock and the accounts' reader lock, as its reader consumed {@code bytes}: the credit to grant
     * now (0 for none yet), with what the window grew by.
     *
     * @param inbound the connection's buffer, whose bound follows the window
     */
    int grant(Connection connection, Credit credit, int bytes, ReceiveBuffer inbound) {
        if (tuning && credit.grantDue(bytes)) {
            PeerSession session = connection.engine.session(connection.peer);
            long roundTrip = session == null ? 0 : session.roundTripNanos();
            if (atGrant(connection, credit, System.nanoTime(), roundTrip, inbound.available())) {
                inbound.bound(credit.receiveWindow(), false);
            }
        }
        return credit.consumed(bytes);
    }

    /**
     * The decision at a grant: grows {@code credit}'s window when {@link #nextWindow} says so and
     * the allowance can cover the growth, which is then reserved for {@code holder}. Call before
     * {@link Credit#consumed}, under the lock that guards {@code credit}.
     *
     * @param buffered the bytes still waiting to be read
     * @return whether the window grew
     */
    boolean atGrant(Object holder, Credit credit, long nowNanos, long roundTripNanos, int buffered) {
        int window = credit.receiveWindow();
        boolean keptUp = buffered < Math.max(1, window / 4);
        int next = nextWindow(window, maxWindow, credit.sinceLastGrantNanos(nowNanos), roundTripNanos,
                keptUp && credit.keptUpAtLastGrant());
        boolean grew = next > window && allowance.tryReserve(holder, next - window);
        if (grew) {
            credit.grow(next);
        }
        credit.granted(nowNanos, keptUp);
        return grew;
    }

    /**
     * After a grant to {@code peer}: asks for a measurement of the round trip if it is missing or
     * old, when windows may grow at all. Call without locks; it may send a ping.
     */
    void measure(Engine engine, Destination peer) {
        if (tuning) {
            engine.liveness().probe(peer);
        }
    }

    /** {@code holder} (a connection) ended: its growth goes back to the allowance. Idempotent. */
    void ended(Object holder) {
        allowance.releaseAll(holder);
    }

    /** How much {@code holder}'s window has grown beyond its first. */
    long growth(Object holder) {
        return allowance.held(holder);
    }

    /** The growth held now, over all connections. */
    long growthHeld() {
        return allowance.used();
    }

    /** The most all connections' growth may be. */
    long growthLimit() {
        return allowance.limit();
    }
}
