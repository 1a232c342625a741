package org.ministreaming.transport.reliable;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The sending half of one peer's reliable stream: the messages sent and not yet acknowledged,
 * numbered from the first sequence number on. Pure logic without threads, clocks or I/O, so a
 * test can drive it with any schedule; the caller passes the time and does the sending.
 *
 * <ul>
 *   <li><b>Window.</b> At most {@code window} messages are numbered and not acknowledged, and
 *       of those at most {@code flight} are in flight: sent, and neither acknowledged nor
 *       selectively acknowledged. Up to {@code allowance} more may be queued beyond the window;
 *       they are numbered but not sent until acknowledgements make room
 *       ({@link AckResult#toTransmit}).</li>
 *   <li><b>Acknowledgements.</b> A cumulative ack releases everything before it; a SACK bit
 *       marks one message as arrived and drops its payload, since the receiver never discards
 *       a message it holds. An ack for something never sent is ignored as a whole.</li>
 *   <li><b>Fast retransmit</b> (RACK, RFC 8985). Once a message sent after another one has
 *       been acknowledged, the earlier one counts as lost when it has been out for longer
 *       than the round trip of that acknowledged message plus the reordering tolerance
 *       ({@link #reorderingLost}, and {@link #reorderingDeadline} for when to look again):
 *       reordering shorter than that is no loss, and a lost retransmission is found the same
 *       way as a lost original ({@link Rack}).</li>
 *   <li><b>Timeouts.</b> {@link #expired} lists the messages whose timer ran out; the caller
 *       counts the timeout ({@link #timedOut}) and sends them again.</li>
 * </ul>
 * Sequence numbers are 32 bits and wrap around; comparisons use serial-number arithmetic.
 *
 * <p>Not thread-safe: the owner's lock guards it.
 *
 * @param <T> the payload type
 */
final class SendWindow<T> {

    /** One numbered message and its transmission history. */
    static final class Entry<T> {
        private final int seq;
        private T payload;
        private int transmissions;
        private int timeouts;
        private long sentAt;
        private long deadline;
        private boolean sacked;
        private final int bytes;
        /** What the {@link Pacer} knew when it was last sent: bytes delivered, when, and when the frame they ended with was sent. */
        long deliveredBefore;
        long deliveredAtBefore;
        long firstSentAtBefore;
        boolean appLimited;
        /** Whether {@link SendState}'s tail copies sent it once more already. */
        boolean copied;

        private Entry(int seq, T payload, int bytes) {
            this.seq = seq;
            this.payload = payload;
            this.bytes = bytes;
        }

        /** The bytes it takes on the path, as its sender counts them (1 if not given). */
        int bytes() {
            return bytes;
        }

        int seq() {
            return seq;
        }

        /** The payload; {@code null} once selectively acknowledged. */
        T payload() {
            return payload;
        }

        int transmissions() {
            return transmissions;
        }

        /** How often its timer ran out. */
        int timeouts() {
            return timeouts;
        }

        long deadline() {
            return deadline;
        }

        /** When it was last sent. */
        long sentAt() {
            return sentAt;
        }

        boolean transmitted() {
            return transmissions > 0;
        }

        boolean sacked() {
            return sacked;
        }
    }

    /**
     * What an acknowledgement did.
     *
     * @param acknowledged messages it acknowledged for the first time
     * @param rttSample the round trip of the newest message it acknowledged that was sent only
     *     once, in nanoseconds; -1 if there is none (Karn's algorithm)
     * @param toTransmit messages to send now, in this order: fast retransmissions, then queued
     *     messages the window now has room for; the caller marks each {@link #transmitted}
     *     before the next acknowledgement, or they count as lost again
     * @param delivered the messages it acknowledged for the first time, cumulatively or selectively
     */
    record AckResult<T>(int acknowledged, long rttSample, List<Entry<T>> toTransmit, List<Entry<T>> delivered) {
        static <T> AckResult<T> none() {
            return new AckResult<>(0, -1, List.of(), List.of());
        }
    }

    private final int window;
    private final int flight;
    private final int limit;
    /** Messages sent and neither acknowledged nor selectively acknowledged. */
    private int inFlight;
    /** Allocated on first use, so an idle peer costs little. */
    private Entry<T>[] ring;
    private final int mask;
    private int base;
    private int next;
    /** Messages at and after this one have never been sent. */
    private int firstUnsent;
    private final Rack rack = new Rack();

    /**
     * An empty window.
     *
     * @param window messages that may be numbered and not acknowledged, at least 1
     * @param flight of those, messages that may be sent and neither acknowledged nor selectively acknowledged, 1 to {@code window}
     * @param allowance messages that may wait beyond the window, at least 0
     * @param firstSeq the first sequence number (0 on the wire; tests start near the wrap-around)
     */
    SendWindow(int window, int flight, int allowance, int firstSeq) {
        if (window < 1 || allowance < 0 || window + allowance > (1 << 20) || flight < 1 || flight > window) {
            throw new IllegalArgumentException("need 1 <= flight <= window, 0 <= allowance, window + allowance <= 2^20");
        }
        this.window = window;
        this.flight = flight;
        this.limit = window + allowance;
        int size = Integer.highestOneBit(limit) == limit ? limit : Integer.highestOneBit(limit) << 1;
        this.mask = size - 1;
        this.base = firstSeq;
        this.next = firstSeq;
        this.firstUnsent = firstSeq;
    }

    /** Messages numbered and not yet acknowledged, queued ones included. */
    int size() {
        return next - base;
    }

    /** The oldest sequence number not acknowledged cumulatively. */
    int base() {
        return base;
    }

    /** The sequence number the next message gets. */
    int next() {
        return next;
    }

    /** Whether {@code messages} more added now could be sent at once: nothing queued, and room in the window and the flight. */
    boolean hasRoom(int messages) {
        return size() + messages <= window && inFlight + messages <= flight && firstUnsent == next;
    }

    /** Whether {@code messages} more may be numbered now without going beyond the window; they may wait for the flight to go out. */
    boolean hasWindowRoom(int messages) {
        return size() + messages <= window;
    }

    /** Whether some message numbered was never sent. */
    boolean hasUnsent() {
        return firstUnsent != next;
    }

    /** Messages sent and neither acknowledged nor selectively acknowledged. */
    int inFlight() {
        return inFlight;
    }

    /** The first message never sent, if it is inside the window and the flight has room for it; else {@code null}. */
    Entry<T> nextToTransmit() {
        if (firstUnsent == next || firstUnsent - base >= window || inFlight >= flight) {
            return null;
        }
        return ring[firstUnsent & mask];
    }

    /** Whether {@code messages} more may be added at all, queued beyond the window if need be. */
    boolean hasRoomWithAllowance(int messages) {
        return size() + messages <= limit;
    }

    /**
     * Numbers a message.
     *
     * @return its entry; send it now if {@link #mayTransmit} says so, else it waits for room
     * @throws IllegalStateException if even the allowance is used up
     */
    Entry<T> add(T payload) {
        return add(payload, 1);
    }

    /** As {@link #add(Object)}, with the bytes the message takes on the path. */
    Entry<T> add(T payload, int bytes) {
        if (!hasRoomWithAllowance(1)) {
            throw new IllegalStateException("send window and allowance full: " + size() + " messages");
        }
        if (ring == null) {
            ring = newRing(mask + 1);
        }
        Entry<T> entry = new Entry<>(next, payload, bytes);
        ring[next & mask] = entry;
        next++;
        return entry;
    }

    @SuppressWarnings("unchecked")
    private static <T> Entry<T>[] newRing(int size) {
        return (Entry<T>[]) new Entry<?>[size];
    }

    /** Whether {@code entry} is due for its first transmission: never sent, and inside the window. */
    boolean mayTransmit(Entry<T> entry) {
        return !entry.transmitted() && entry.seq - base < window && entry.seq == firstUnsent && inFlight < flight;
    }

    /** Records that {@code entry} was (or is about to be) sent at {@code now}, its timer set to {@code rto}. */
    void transmitted(Entry<T> entry, long now, long rto) {
        if (!entry.transmitted()) {
            if (entry.seq != firstUnsent) {
                throw new IllegalStateException("messages go out for the first time in order: " + Integer.toUnsignedString(entry.seq)
                        + " before " + Integer.toUnsignedString(firstUnsent));
            }
            firstUnsent++;
            inFlight++;
        }
        entry.transmissions++;
        entry.sentAt = now;
        entry.deadline = now + rto;
    }

    /** Restarts the timer of {@code entry}, in flight, to run out at {@code deadline}, without sending it. */
    void restartTimer(Entry<T> entry, long deadline) {
        entry.deadline = deadline;
    }

    /** Counts one expiry of the entry's timer. */
    void timedOut(Entry<T> entry) {
        entry.timeouts++;
    }

    /** Whether {@code entry} is the oldest message not yet acknowledged. */
    boolean isOldest(Entry<T> entry) {
        return entry.seq == base;
    }

    /**
     * Takes an acknowledgement: everything before {@code cumulative}, and each message whose SACK
     * bit is set.
     *
     * @param cumulative the next sequence number the receiver expects
     * @param sack which messages after {@code cumulative + 1} arrived too
     * @param now the time, for the round-trip sample
     * @param reorderTolerance RACK's reordering window: how much longer than the round trip of
     *     a later message an earlier one may take before it counts as lost
     */
    AckResult<T> acknowledge(int cumulative, Sack sack, long now, long reorderTolerance) {
        return acknowledge(cumulative, sack, now, reorderTolerance, Integer.MAX_VALUE);
    }

    /**
     * As {@link #acknowledge(int, Sack, long, long)}, but with at most {@code maxNew} queued
     * messages among those to transmit (0 for none: a {@link Pacer} lets them out later).
     */
    AckResult<T> acknowledge(int cumulative, Sack sack, long now, long reorderTolerance, int maxNew) {
        int advance = cumulative - base;
        if (advance > firstUnsent - base) {
            return AckResult.none();
        }
        int acknowledged = 0;
        Entry<T> newest = null;
        List<Entry<T>> delivered = new ArrayList<>();
        for (int i = 0; i < advance; i++) {
            Entry<T> entry = ring[(base + i) & mask];
            if (!entry.sacked) {
                acknowledged++;
                inFlight--;
                newest = newerSample(newest, entry);
                delivered.add(entry);
            }
            ring[(base + i) & mask] = null;
        }
        if (advance > 0) {
            base = cumulative;
        }
        for (int j = 0; j < sack.words(); j++) {
            for (long bits = sack.word(j); bits != 0; bits &= bits - 1) {
                Entry<T> entry = sent(cumulative + 1 + 64 * j + Long.numberOfTrailingZeros(bits));
                if (entry != null && !entry.sacked) {
                    entry.sacked = true;
                    entry.payload = null;
                    acknowledged++;
                    inFlight--;
                    newest = newerSample(newest, entry);
                    delivered.add(entry);
                }
            }
        }
        long sample = newest == null ? -1 : now - newest.sentAt;
        rack.sampled(sample);
        rack.acknowledged(delivered, now);
        List<Entry<T>> toTransmit = reorderingLost(now, reorderTolerance);
        for (int seq = firstUnsent, room = Math.min(flight - inFlight, maxNew); seq - base < window && seq != next && room > 0; seq++, room--) {
            toTransmit.add(ring[seq & mask]);
        }
        return new AckResult<>(acknowledged, sample, toTransmit, delivered);
    }

    /** The message numbered {@code seq} if it was sent and is not acknowledged cumulatively, else {@code null}. */
    private Entry<T> sent(int seq) {
        int offset = seq - base;
        return offset >= 0 && offset < firstUnsent - base ? ring[seq & mask] : null;
    }

    /**
     * The messages in flight that RACK counts as lost at {@code now}: sent before the most
     * recently sent message that was acknowledged, and out for longer than its round trip plus
     * {@code reorderTolerance}. Oldest first; the caller sends them again.
     */
    List<Entry<T>> reorderingLost(long now, long reorderTolerance) {
        List<Entry<T>> lost = new ArrayList<>();
        for (int seq = base; seq != firstUnsent; seq++) {
            Entry<T> entry = ring[seq & mask];
            if (!entry.sacked && rack.watches(entry) && now - rack.deadline(entry, reorderTolerance) >= 0) {
                lost.add(entry);
            }
        }
        return lost;
    }

    /**
     * When RACK will count a message in flight as lost if nothing changes: the earliest
     * {@code sentAt + round trip + reorderTolerance} of the messages sent before the most recently
     * sent one acknowledged; empty if there is none.
     */
    OptionalLong reorderingDeadline(long reorderTolerance) {
        boolean any = false;
        long earliest = 0;
        for (int seq = base; seq != firstUnsent; seq++) {
            Entry<T> entry = ring[seq & mask];
            if (!entry.sacked && rack.watches(entry)) {
                long deadline = rack.deadline(entry, reorderTolerance);
                if (!any || deadline - earliest < 0) {
                    earliest = deadline;
                    any = true;
                }
            }
        }
        return any ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /**
     * The message in flight (sent, neither acknowledged nor selectively acknowledged) that was
     * sent last: what a tail-loss probe sends again. {@code null} if nothing is in flight.
     */
    Entry<T> lastSentInFlight() {
        Entry<T> last = null;
        for (int seq = base; seq != firstUnsent; seq++) {
            Entry<T> entry = ring[seq & mask];
            if (!entry.sacked && (last == null || entry.sentAt - last.sentAt >= 0)) {
                last = entry;
            }
        }
        return last;
    }

    private static <T> Entry<T> newerSample(Entry<T> current, Entry<T> candidate) {
        if (candidate.transmissions != 1) {
            return current;
        }
        return current == null || candidate.sentAt - current.sentAt > 0 ? candidate : current;
    }

    /** The messages in flight whose timer ran out by {@code now}, oldest first. */
    List<Entry<T>> expired(long now) {
        List<Entry<T>> due = new ArrayList<>();
        for (int seq = base; seq != firstUnsent; seq++) {
            Entry<T> entry = ring[seq & mask];
            if (!entry.sacked && entry.deadline - now <= 0) {
                due.add(entry);
            }
        }
        return due;
    }

    /** The earliest timer of a message in flight; empty when nothing is in flight. */
    OptionalLong nextDeadline() {
        boolean any = false;
        long earliest = 0;
        for (int seq = base; seq != firstUnsent; seq++) {
            Entry<T> entry = ring[seq & mask];
            if (!entry.sacked && (!any || entry.deadline - earliest < 0)) {
                earliest = entry.deadline;
                any = true;
            }
        }
        return any ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /** Whether some message was sent and is not yet acknowledged. */
    boolean hasUnacknowledged() {
        return size() > 0;
    }

    /** The messages not yet acknowledged in any way, in order, queued ones (never sent) included. */
    List<Entry<T>> unacknowledged() {
        List<Entry<T>> entries = new ArrayList<>();
        for (int seq = base; seq != next; seq++) {
            Entry<T> entry = ring[seq & mask];
            if (!entry.sacked) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
