package org.ministreaming.engine;

import java.lang.System.Logger.Level;
import java.util.Locale;
import org.ministreaming.Counter;
import org.ministreaming.ReceiveLimitException;

/**
 * The limits on bytes buffered ahead of readers: each connection's own bound, and the manager's
 * receive budget over all of them. It closes the connection that broke a limit, and counts and
 * logs it (one line each, as a warning).
 *
 * <p>A connection's bound is chosen once it is established: with flow control, the window it
 * offered (in data bytes, as the credit rules count); without, the plain allowance (in charged
 * bytes: payload plus {@link EngineSettings#BUFFERED_MESSAGE_OVERHEAD} per message). Every buffered
 * message is charged to the budget, with or without flow control.
 *
 * <p>Thread-safe; runs on the receive path (see the threading contract on {@link Engine}). It
 * takes no lock of its own, and a connection's locks only through {@link Connection#evict} and
 * {@link Connection#fail}, which its callers call without holding one.
 */
final class BufferLimits {

    /** How many connections one arriving message may evict before its own connection goes. */
    static final int MAX_EVICTIONS_PER_MESSAGE = 8;

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final int plainAllowance;
    /** How the plain allowance's error names the option to raise: the builder method that sets it. */
    static final String PLAIN_ALLOWANCE_OPTION = "StreamOptions plainReceiveAllowance";

    /** How the receive budget's error names the option to raise: the builder method that sets it. */
    static final String BUDGET_OPTION = "StreamOptions receiveBudget";

    private final Counters counters;
    private final ReceiveBudget<Connection> budget;

    BufferLimits(EngineSettings settings, Counters counters) {
        this.plainAllowance = settings.plainReceiveAllowance();
        this.counters = counters;
        this.budget = new ReceiveBudget<>(settings.receiveBudget());
    }

    /** A receive buffer for {@code connection}, bound by the plain allowance until it gets a window. */
    ReceiveBuffer bufferFor(Connection connection) {
        return new ReceiveBuffer(budget.account(connection), plainAllowance, true);
    }

    /** Receive path: a connection without flow control went beyond its allowance; closes it. */
    void overrun(Connection connection, int length) {
        counters.increment(Counter.OVERRUN);
        LOG.log(Level.WARNING, connection + ": closing, " + length + " more bytes arrived than the " + size(plainAllowance)
                + " a connection without flow control may buffer ahead of its reader (" + PLAIN_ALLOWANCE_OPTION + ")");
        connection.fail(new ReceiveLimitException("receive buffer overrun: " + connection.peer() + " sent more than the " + size(plainAllowance)
                + " a connection without flow control may buffer ahead of its reader (" + PLAIN_ALLOWANCE_OPTION + ");"
                + " the connection was closed"), true);
    }

    /**
     * Receive path: the budget has no room for a message arriving on {@code arriving}. Evicts the
     * connection that holds the most, or {@code arriving} itself once it has evicted
     * {@value #MAX_EVICTIONS_PER_MESSAGE} for this message: its bytes are discarded, its peer is
     * sent a close, and its reader gets an error naming the option.
     *
     * @param evictions the connections evicted for this message so far
     * @return whether another connection was evicted, so that the message may be offered again
     */
    boolean makeRoom(Connection arriving, int evictions) {
        Connection largest = evictions < MAX_EVICTIONS_PER_MESSAGE ? budget.largestHolder().orElse(null) : null;
        Connection victim = largest != null ? largest : arriving;
        long held = budget.held(victim);
        counters.increment(Counter.RECEIVE_BUDGET_EXHAUSTED);
        LOG.log(Level.WARNING, victim + ": closing and discarding its " + held + " buffered bytes: the receive budget of "
                + size(budget.limit()) + " over all connections (" + BUDGET_OPTION + ") is exhausted"
                + (largest != null ? " and it holds the most" : ""));
        victim.evict(new ReceiveLimitException("receive budget exhausted: the manager may buffer " + size(budget.limit()) + " ahead of its readers"
                + " over all connections, and this connection held " + size(held) + " of it; its unread bytes were"
                + " discarded and the connection was closed (" + BUDGET_OPTION + ")"));
        return victim != arriving;
    }

    /** Bytes charged to the budget now, over all connections, open or not yet drained. */
    long used() {
        return budget.used();
    }

    /** The most bytes charged to the budget at once so far. */
    long highWater() {
        return budget.highWater();
    }

    /**
     * A size for people: whole binary units where they fit ({@code 32 MiB}), else bytes.
     *
     * @param bytes not negative
     */
    static String size(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes >= unit && bytes % unit == 0) {
                return String.format(Locale.ROOT, "%d %s", bytes / unit, units[i]);
            }
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
