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
    private Pacer pacer;
    /** Whether the peer acknowledged anything new in this window's life, and when it last did. */
    private boolean progressed;
    private long progressAt;
    /** Whether the cumulative acknowledgement moved in this window's life, and when it last did. */
    private boolean advanced;
    private long advancedAt;
    /**
     * When a frame last went out to the peer (first or again), and whether a tail-loss probe or a
     * timeout's retransmission went since the peer last acknowledged anything new: then no probe
     * goes until it does.
     */
    private long lastSentAt;
    private boolean probeSpent;
    /** The shortest round trip measured, -1 before the first: kept when the peer is forgotten ({@link #startFrom}). */
    private long shortestRtt;
    /** Whether a new frame went while others waited for it in this window's life, and when one last did ({@link #copyUntil}). */
    private boolean busy;
    private long busyAt;

    /** @param firstSeq the first sequence number: 0, or where a resumed stream stood */
    SendState(ReliableTransport.Settings settings, Counters counters, int firstSeq) {
        this.settings = settings;
        this.counters = counters;
        start(firstSeq);
    }

    /** Starts afresh: an empty window from sequence number 0, no round trip measured. */
    void fresh() {
        start(0);
    }

    /**
     * Starts from what was measured before a peer met again was forgotten. The round-trip
     * estimate starts as if {@code roundTrip} were its first sample, unless it is negative: the
     * shortest round trip measured then (the smoothed one, at the end of a bulk transfer, holds
     * the path's queue), as RFC 6298 allows with a cached estimate, instead of the initial RTO;
     * on a path slower than the initial RTO its first frames then go once; it also stands as the
     * shortest round trip, which chooses the frames' size ({@link #frameBytes}). The pacer starts from
     * {@code deliveryRate} ({@link Pacer#startFrom}), unless it is 0.
     */
    void startFrom(long roundTrip, double deliveryRate) {
        if (roundTrip >= 0) {
            rtt.sample(roundTrip);
            shortestRtt = roundTrip;
        }
        pacer.startFrom(deliveryRate);
    }

    /** The highest delivery rate measured with more to send, bytes per second; 0 before one was. */
    double deliveryRate() {
        return pacer.measuredRate();
    }

    /** The shortest round trip measured, or -1 before the first. */
    long shortestRtt() {
        return shortestRtt;
    }

    /**
     * The largest frame, header included, to cut new messages into now: the near path's
     * ({@link ReliableTransportBuilder#nearPath}) once the shortest round trip measured is below
     * its bound, else {@code maxFrame}.
     */
    int frameBytes() {
        return shortestRtt >= 0 && shortestRtt < settings.nearRoundTripNanos() ? settings.nearMaxFrame() : settings.maxFrame();
    }

    /** The sequence number the next new message gets. */
    int next() {
        return window.next();
    }

    private void start(int firstSeq) {
        window = newWindow(firstSeq);
        progressed = false;
        advanced = false;
        probeSpent = false;
        shortestRtt = -1;
        busy = false;
        rtt = new RttEstimator(settings.minRtoNanos(), settings.initialRtoNanos(), settings.maxRtoNanos());
        pacer = new Pacer(settings.pacing());
    }

    /**
     * Empties the window and returns, in order, what must go again as plain messages to a peer
     * that turned out plain: everything it held but the opening messages sent already, which went
     * plain as probes (the original would take a second copy of a SYN for a second connection),
     * unless {@code ours}: a peer of ours takes a repeated SYN for the connection it opened, and
     * gets the openings again too, whose probe may have been lost. An opening message never sent
     * (the pacer or the flight held it back) goes. The round-trip estimate stays.
     */
    List<Outgoing> takeForPlainPeer(boolean ours) {
        List<Outgoing> pending = new ArrayList<>();
        for (SendWindow.Entry<Outgoing> entry : window.unacknowledged()) {
            if (ours || !(entry.payload().opening() && entry.transmitted())) {
                pending.add(entry.payload());
            }
        }
        window = newWindow(0);
        return pending;
    }

    /**
     * Whether {@code messages} more may be numbered now: room in the window and the flight, or
     * with pacing room in the window for the first of them (they then go out as the window, the
     * flight and the {@link Pacer} allow). So the segments of a long message are numbered as soon
     * as the first fits, and those beyond the window wait for acknowledgements to move it: while
     * a loss holds the window's base, its last places do not stay empty for want of room for a
     * whole message (up to 10 of 64 with I2CP's frames, 11 to a 32 KiB message). They take
     * {@link #overflow} places beyond the window at most, on top of the replies' allowance.
     */
    boolean hasRoom(int messages) {
        return settings.pacing() ? window.hasWindowRoom(1) && window.hasRoomWithAllowance(messages) : window.hasRoom(messages);
    }

    /**
     * The places beyond the window the segments of one message may take with pacing: all of a
     * longest message's but the first ({@link Segmenter}).
     */
    private int overflow() {
        int segmentBytes = settings.maxFrame() - Frame.HEADER;
        return settings.pacing() ? (Reassembly.LIMIT + segmentBytes - 1) / segmentBytes - 1 : 0;
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

    /**
     * Numbers messages ({@link #hasRoom} said there is room) and returns those to send now,
     * marked sent; the others go out as the flight and the pacer allow ({@link #due}).
     */
    List<SendWindow.Entry<Outgoing>> sendNew(List<Outgoing> messages, long now) {
        messages.forEach(this::queue);
        return release(now, new ArrayList<>());
    }

    /** Puts a message in the window, beyond its size if need be, to go out once there is room. */
    void queue(Outgoing message) {
        window.add(message, message.message().remaining() + Frame.HEADER);
    }

    /** Sends, into {@code out}, the messages never sent that the window, the flight and the pacer allow now. */
    private List<SendWindow.Entry<Outgoing>> release(long now, List<SendWindow.Entry<Outgoing>> out) {
        for (SendWindow.Entry<Outgoing> entry = window.nextToTransmit(); entry != null && pacer.allows(now); entry = window.nextToTransmit()) {
            counters.increment(ReliableCounter.MESSAGES_SENT);
            transmit(entry, now);
            out.add(entry);
        }
        return out;
    }

    /** Marks a message sent (again) now, for its timer and the pacer. */
    private void transmit(SendWindow.Entry<Outgoing> entry, long now) {
        boolean idle = window.inFlight() == 0;
        window.transmitted(entry, now, rtt.rto());
        lastSentAt = now;
        boolean appLimited = !window.hasUnsent() && window.inFlight() < settings.maxInFlight() && window.size() < settings.window();
        long frame = Math.min(frameBytes(), Reassembly.LIMIT + Frame.HEADER);
        // Before any round trip (the probe sent twice gives none, by Karn), the initial RTO stands in for one.
        long roundTrip = rtt.srtt() >= 0 ? rtt.srtt() : settings.initialRtoNanos();
        pacer.sent(entry, now, idle, appLimited, roundTrip, settings.maxInFlight() * frame);
        if (entry.transmissions() == 1 && !appLimited) {
            busy = true;
            busyAt = now;
        }
    }

    /** Takes a frame's acknowledgements; returns the messages to send now (fast retransmissions and queued ones), marked sent. */
    List<SendWindow.Entry<Outgoing>> acknowledge(Frame frame, long now) {
        int baseBefore = window.base();
        SendWindow.AckResult<Outgoing> result = window.acknowledge(frame.ack(), frame.sack(), now, reorderTolerance(),
                settings.pacing() ? 0 : Integer.MAX_VALUE);
        if (result.acknowledged() > 0) {
            progressed = true;
            progressAt = now;
            probeSpent = false;
        }
        if (window.base() != baseBefore) {
            advanced = true;
            advancedAt = now;
        }
        if (result.rttSample() >= 0) {
            rtt.sample(result.rttSample());
            shortestRtt = shortestRtt < 0 ? result.rttSample() : Math.min(shortestRtt, result.rttSample());
        }
        pacer.delivered(result.delivered(), result.rttSample(), now, rtt.srtt());
        for (SendWindow.Entry<Outgoing> entry : result.toTransmit()) {
            if (entry.transmitted()) {
                counters.increment(ReliableCounter.RETRANSMITTED);
                counters.increment(ReliableCounter.FAST_RETRANSMITTED);
            } else {
                counters.increment(ReliableCounter.MESSAGES_SENT);
            }
            transmit(entry, now);
        }
        return copyIntoIdlePath(now, release(now, new ArrayList<>(result.toTransmit())));
    }

    /**
     * The transmissions due at {@code now}: retransmissions of messages timed out or lost to
     * reordering, then new messages the pacer now lets out. A message that
     * reached the retry limit gives the peer up only if the peer acknowledged nothing new since
     * the message was last sent: a peer that keeps acknowledging other frames is alive, and the
     * message only unlucky on a lossy path. No timer runs out within an RTO of the last move of
     * the cumulative acknowledgement: as RFC 6298 restarts its timer then, so that frames
     * delayed by a queue that grows while acknowledgements keep coming are not sent again
     * (RACK finds the ones lost meanwhile). Selective acknowledgements do not restart it, so a
     * lost retransmission that holds the window's base back times out an RTO after it was sent.
     * Once a round trip was measured, only the oldest of the messages whose timer ran out is sent
     * again, and the others' timers restart, as RFC 6298 retransmits the earliest segment and
     * restarts its one timer: the others were often only late, and once the repair is
     * acknowledged, RACK counts those still missing as lost ({@link Rack}). Last, a tail-loss
     * probe ({@link #probeAt}) if its time has come and nothing else went.
     */
    Due due(long now) {
        List<SendWindow.Entry<Outgoing>> expired = advanced && now - timerFloor() < 0 ? List.of() : window.expired(now);
        for (SendWindow.Entry<Outgoing> entry : expired) {
            boolean aliveSince = progressed && progressAt - entry.sentAt() > 0;
            if (entry.timeouts() >= settings.maxRetries() && !aliveSince) {
                return new Due(List.of(), entry);
            }
        }
        if (!expired.isEmpty() && window.isOldest(expired.get(0))) {
            rtt.backoff();
        }
        if (expired.size() > 1 && rtt.srtt() >= 0) {
            for (SendWindow.Entry<Outgoing> later : expired.subList(1, expired.size())) {
                window.restartTimer(later, now + rtt.rto());
            }
            expired = expired.subList(0, 1);
        }
        List<SendWindow.Entry<Outgoing>> resend = new ArrayList<>(expired);
        for (SendWindow.Entry<Outgoing> entry : expired) {
            probeSpent = true;
            window.timedOut(entry);
            counters.increment(ReliableCounter.TIMEOUTS);
            counters.increment(ReliableCounter.RETRANSMITTED);
            transmit(entry, now);
        }
        for (SendWindow.Entry<Outgoing> entry : window.reorderingLost(now, reorderTolerance())) {
            counters.increment(ReliableCounter.RETRANSMITTED);
            counters.increment(ReliableCounter.FAST_RETRANSMITTED);
            transmit(entry, now);
            resend.add(entry);
        }
        release(now, resend);
        if (busy && now - copyUntil() > 0) {
            busy = false;
        }
        copyIntoIdlePath(now, resend);
        OptionalLong probeAt = probeAt();
        if (probeAt.isPresent() && now - probeAt.getAsLong() >= 0) {
            SendWindow.Entry<Outgoing> last = window.lastSentInFlight();
            probeSpent = true;
            counters.increment(ReliableCounter.RETRANSMITTED);
            counters.increment(ReliableCounter.TAIL_LOSS_PROBES);
            transmit(last, now);
            resend.add(last);
        }
        return new Due(resend, null);
    }

    /**
     * Tail copies: after frames went while others waited for them (the path was the limit), when
     * no new frame may go (the window or the flight is full, or nothing waits) and the path has
     * room (the bytes in flight, each copy counted, are fewer than it holds without a queue: the
     * delivery rate times the shortest round trip), frames in flight go once more, each once, as
     * acknowledgements make room and the pacer lets them, until a round trip after the last frame
     * that went while others waited ({@link #copyUntil}): first the oldest repair, then, once
     * nothing numbered waits, the newest frame sent once. A repair lost while it holds a full
     * window back is otherwise found a round trip and a quarter after it left, the window still
     * for all that time; a frame lost in a transfer's last round trip is found by RACK a round
     * trip and a quarter after it left (the last ones by a tail-loss probe) and repaired a round
     * trip later. Their copies use room the path would leave empty. The copies stop by themselves
     * once acknowledgements come before their turn (9 to 25 frames of 3 KiB a 512 KiB transfer
     * over the simulated poor I2P path). They count as {@link ReliableCounter#TAIL_COPIES}. A
     * sender that does not keep the path busy (requests and replies) sends none.
     */
    private List<SendWindow.Entry<Outgoing>> copyIntoIdlePath(long now, List<SendWindow.Entry<Outgoing>> out) {
        for (SendWindow.Entry<Outgoing> entry = tailCopy(); entry != null && pacer.allows(now) && now - copyUntil() <= 0; entry = tailCopy()) {
            counters.increment(ReliableCounter.RETRANSMITTED);
            counters.increment(ReliableCounter.TAIL_COPIES);
            entry.copied = true;
            transmit(entry, now);
            out.add(entry);
        }
        return out;
    }

    /**
     * The frame a tail copy sends, pacer and time aside, if nothing new may go and the path has
     * room: the oldest repair in flight not copied yet, else, once nothing numbered waits, the
     * newest frame in flight sent only once; {@code null} if none.
     */
    private SendWindow.Entry<Outgoing> tailCopy() {
        if (!busy || !settings.pacing() || !settings.tailCopies() || rtt.srtt() < 0 || window.nextToTransmit() != null) {
            return null;
        }
        long inFlightBytes = 0;
        SendWindow.Entry<Outgoing> repair = null;
        SendWindow.Entry<Outgoing> newest = null;
        for (SendWindow.Entry<Outgoing> entry : window.unacknowledged()) {
            // Each copy counts: the path carries it too.
            inFlightBytes += (long) entry.bytes() * entry.transmissions();
            if (entry.transmissions() == 1) {
                newest = entry;
            } else if (repair == null && entry.transmitted() && !entry.copied) {
                repair = entry;
            }
        }
        if (inFlightBytes >= pacer.pathBytes()) {
            return null;
        }
        return repair != null ? repair : window.hasUnsent() ? null : newest;
    }

    /** Until when tail copies may go: a round trip after the last new frame that went while others waited. */
    private long copyUntil() {
        return busyAt + rtt.srtt();
    }

    /**
     * When a tail-loss probe is due (RFC 8985's TLP, with a shorter timeout): nothing went to the
     * peer for the smoothed round trip plus the reordering tolerance plus the RTO floor, while
     * frames are in flight, and no probe and no timeout went since the peer last acknowledged
     * something new (after a timeout, the repair's acknowledgement shows RACK the rest). The
     * probe sends again the frame in flight that went last, without counting a timeout or backing
     * the RTO off; its acknowledgement lets RACK find what before it was lost
     * ({@link Rack}), and if it was the one lost, it is its repair. Without it, the loss of the last
     * frames before the sender stops (at the end of a transfer, or with the window full behind a
     * lost retransmission) waits for a timer that starts an RTO after the cumulative
     * acknowledgement last moved, and then backs off. Empty before a round trip was measured.
     */
    OptionalLong probeAt() {
        if (probeSpent || rtt.srtt() < 0 || window.inFlight() == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(lastSentAt + rtt.srtt() + reorderTolerance() + settings.minRtoNanos());
    }

    /** The earliest retransmission deadline or tail-loss probe, or when the pacer lets the next new message or tail copy out, if one waits. */
    OptionalLong nextDeadline() {
        OptionalLong timeout = window.nextDeadline();
        if (timeout.isPresent() && advanced && timerFloor() - timeout.getAsLong() > 0) {
            timeout = OptionalLong.of(timerFloor());
        }
        boolean copy = tailCopy() != null && pacer.nextSendAt() - copyUntil() <= 0;
        OptionalLong paced = window.nextToTransmit() != null || copy ? OptionalLong.of(pacer.nextSendAt()) : OptionalLong.empty();
        return earlier(earlier(earlier(timeout, window.reorderingDeadline(reorderTolerance())), paced), probeAt());
    }

    /** The earliest a timer may run out: an RTO after the cumulative acknowledgement last moved. */
    private long timerFloor() {
        return advancedAt + rtt.rto();
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

    private SendWindow<Outgoing> newWindow(int firstSeq) {
        return new SendWindow<>(settings.window(), settings.maxInFlight(), settings.callbackAllowance() + overflow(), firstSeq);
    }
}
