package org.ministreaming.transport.reliable;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The sending half of a peer's stream: the send window and the round-trip estimate that times
 * its retransmissions. It decides which messages go out when; the {@link Peer} turns them into
 * frames.
 *
 * <p>Not thread-safe: guarded by its {@link Peer}'s lock.
 */
final class SendState {

    /**
     * What a timer run found.
     *
     * @param resend messages to send again now, already marked as sent
     * @param gaveUp a message that reached the retry limit, or {@code null}; then nothing is resent
     */
    record Due(List<SendWindow.Entry<Outgoing>> resend, SendWindow.Entry<Outgoing> gaveUp) {
    }

    private final ReliableTransport.Settings settings;
    private final Counters counters;
    private SendWindow<Outgoing> window;
    private RttEstimator rtt;
    /** Whether the peer acknowledged anything new in this window's life, and when it last did. */
    private boolean progressed;
    private long progressAt;

    SendState(ReliableTransport.Settings settings, Counters counters) {
        this.settings = settings;
        this.counters = counters;
        fresh();
    }

    /** Starts afresh: an empty window from sequence number 0, no round trip measured. */
    void fresh() {
        window = newWindow();
        progressed = false;
        rtt = new RttEstimator(settings.minRtoNanos(), settings.initialRtoNanos(), settings.maxRtoNanos());
    }

    /** Empties the window and returns what it held, in order; the round-trip estimate stays. */
    List<Outgoing> takeUnacknowledged() {
        List<Outgoing> pending = window.unacknowledged();
        window = newWindow();
        return pending;
    }

    /** Whether {@code messages} more could be sent at once. */
    boolean hasRoom(int messages) {
        return window.hasRoom(messages);
    }

    /** Whether {@code messages} more may be numbered, queued beyond the window if need be. */
    boolean hasRoomWithAllowance(int messages) {
        return window.hasRoomWithAllowance(messages);
    }

    /** Messages sent and neither acknowledged nor selectively acknowledged. */
    int inFlight() {
        return window.inFlight();
    }

    /** Messages in the window, queued ones included. */
    int size() {
        return window.size();
    }

    boolean hasUnacknowledged() {
        return window.hasUnacknowledged();
    }

    /** Puts a message in the window and marks it sent now. */
    SendWindow.Entry<Outgoing> sendNew(Outgoing message, long now) {
        SendWindow.Entry<Outgoing> entry = window.add(message);
        window.transmitted(entry, now, rtt.rto());
        counters.increment(ReliableCounter.MESSAGES_SENT);
        return entry;
    }

    /** Puts a message in the window beyond its size, to go out once there is room. */
    void queue(Outgoing message) {
        window.add(message);
    }

    /** Takes a frame's acknowledgements; returns the messages to send now (fast retransmissions and queued ones), marked sent. */
    List<SendWindow.Entry<Outgoing>> acknowledge(Frame frame, long now) {
        SendWindow.AckResult<Outgoing> result = window.acknowledge(frame.ack(), frame.sack(), now, reorderTolerance());
        if (result.acknowledged() > 0) {
            progressed = true;
            progressAt = now;
        }
        if (result.rttSample() >= 0) {
            rtt.sample(result.rttSample());
        }
        for (SendWindow.Entry<Outgoing> entry : result.toTransmit()) {
            if (entry.transmitted()) {
                counters.increment(ReliableCounter.RETRANSMITTED);
                counters.increment(ReliableCounter.FAST_RETRANSMITTED);
            } else {
                counters.increment(ReliableCounter.MESSAGES_SENT);
            }
            window.transmitted(entry, now, rtt.rto());
        }
        return result.toTransmit();
    }

    /**
     * The retransmissions due at {@code now}: timed out, or lost to reordering. A message that
     * reached the retry limit gives the peer up only if the peer acknowledged nothing new since
     * the message was last sent: a peer that keeps acknowledging other frames is alive, and the
     * message only unlucky on a lossy path.
     */
    Due due(long now) {
        List<SendWindow.Entry<Outgoing>> expired = window.expired(now);
        for (SendWindow.Entry<Outgoing> entry : expired) {
            boolean aliveSince = progressed && progressAt - entry.sentAt() > 0;
            if (entry.timeouts() >= settings.maxRetries() && !aliveSince) {
                return new Due(List.of(), entry);
            }
        }
        if (!expired.isEmpty() && window.isOldest(expired.get(0))) {
            rtt.backoff();
        }
        List<SendWindow.Entry<Outgoing>> resend = new ArrayList<>(expired);
        for (SendWindow.Entry<Outgoing> entry : expired) {
            window.timedOut(entry);
            counters.increment(ReliableCounter.TIMEOUTS);
            counters.increment(ReliableCounter.RETRANSMITTED);
            window.transmitted(entry, now, rtt.rto());
        }
        for (SendWindow.Entry<Outgoing> entry : window.reorderingLost(now, reorderTolerance())) {
            counters.increment(ReliableCounter.RETRANSMITTED);
            counters.increment(ReliableCounter.FAST_RETRANSMITTED);
            window.transmitted(entry, now, rtt.rto());
            resend.add(entry);
        }
        return new Due(resend, null);
    }

    /** The earliest retransmission deadline, if anything waits for acknowledgement. */
    OptionalLong nextDeadline() {
        return earlier(window.nextDeadline(), window.reorderingDeadline(reorderTolerance()));
    }

    /** The earlier of two {@link System#nanoTime} deadlines, either of which may be absent. */
    static OptionalLong earlier(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.getAsLong() - b.getAsLong() <= 0 ? a : b;
    }

    long rto() {
        return rtt.rto();
    }

    long srtt() {
        return rtt.srtt();
    }

    /** RACK's reordering window: a quarter of the smoothed round trip, at least the clock granularity. */
    private long reorderTolerance() {
        return Math.max(RttEstimator.GRANULARITY_NANOS, rtt.srtt() / 4);
    }

    private SendWindow<Outgoing> newWindow() {
        return new SendWindow<>(settings.window(), settings.maxInFlight(), settings.callbackAllowance(), 0);
    }
}
