package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * The receiving half of a peer's stream: the receive window, and the acknowledgement owed for
 * what arrived. An acknowledgement goes out at once for every second message, a gap, a
 * duplicate or a message outside the window; a lone in-order message waits up to the ack delay
 * for a data frame to ride on. Segments of a message ({@link Frame#MORE}) are joined in order
 * ({@link Reassembly}) before the message is handed on.
 *
 * <p>Not thread-safe: guarded by its {@link Peer}'s lock.
 */
final class ReceiveState {

    private final int windowSize;
    private final long ackDelayNanos;
    private final Counters counters;
    private ReceiveWindow<Frame> window;
    private final Reassembly reassembly = new Reassembly();
    /** Whether the peer's current epoch announced that it joins segments ({@link Frame#SEGMENTS}). */
    private boolean peerJoinsSegments;
    /** Whether the peer's current epoch announced that it reads wide SACKs ({@link Frame#READS_WIDE}). */
    private boolean peerReadsWide;
    private boolean ackPending;
    private int arrivalsUnacknowledged;
    private boolean ackTimerSet;
    private long ackDeadline;

    /** @param firstSeq the sequence number expected first: 0, or where a resumed stream stood */
    ReceiveState(int windowSize, long ackDelayNanos, Counters counters, int firstSeq) {
        this.windowSize = windowSize;
        this.ackDelayNanos = ackDelayNanos;
        this.counters = counters;
        start(firstSeq);
    }

    /**
     * Starts afresh, as the peer did or is taken to have: an empty window from sequence number 0,
     * no acknowledgement owed, and a peer that may be of a version before segments and wide SACKs
     * until it announces them again.
     */
    void fresh() {
        peerJoinsSegments = false;
        peerReadsWide = false;
        start(0);
    }

    /** Notes what a frame from the peer's current epoch announces: that it joins segments, that it reads wide SACKs. */
    void heard(Frame frame) {
        peerJoinsSegments |= frame.joinsSegments();
        peerReadsWide |= frame.readsWide();
    }

    /** Whether the peer's current epoch announced that it joins segments, so it may be sent messages in several frames. */
    boolean peerJoinsSegments() {
        return peerJoinsSegments;
    }

    /** The sequence number expected next: all before it was delivered. */
    int next() {
        return window.cumulative();
    }

    private void start(int firstSeq) {
        window = new ReceiveWindow<>(windowSize, firstSeq);
        reassembly.clear();
        ackSent();
    }

    /**
     * Takes a data frame: messages now complete and in order go to {@link Actions#deliver}, and
     * {@link Actions#ackNow} says whether to acknowledge at once.
     *
     * @return {@code null}, or why the peer broke the protocol: its segments add up to a message
     *     larger than {@link Reassembly#LIMIT}, and what it sent is to be dropped
     */
    String accept(Frame frame, long now, Actions actions) {
        ReceiveWindow.Result<Frame> result = window.accept(frame.seq(), frame);
        ackPending = true;
        switch (result.outcome()) {
            case IN_ORDER -> {
                for (Frame arrived : result.deliverable()) {
                    ByteBuffer message;
                    try {
                        message = reassembly.take(arrived);
                    } catch (IllegalStateException e) {
                        return e.getMessage();
                    }
                    if (message != null) {
                        actions.deliver.add(message);
                        counters.increment(ReliableCounter.MESSAGES_DELIVERED);
                    }
                }
                arrivalsUnacknowledged++;
                boolean filledGap = result.deliverable().size() > 1;
                if (arrivalsUnacknowledged >= 2 || filledGap || window.held() > 0 || ackDelayNanos == 0) {
                    actions.ackNow = true;
                } else if (!ackTimerSet) {
                    ackTimerSet = true;
                    ackDeadline = now + ackDelayNanos;
                }
            }
            case HELD -> {
                counters.increment(ReliableCounter.OUT_OF_ORDER_HELD);
                actions.ackNow = true;
            }
            case DUPLICATE -> {
                counters.increment(ReliableCounter.DUPLICATES_DISCARDED);
                actions.ackNow = true;
            }
            case OUT_OF_WINDOW -> {
                counters.increment(ReliableCounter.OUT_OF_WINDOW);
                actions.ackNow = true;
            }
        }
        return null;
    }

    /** The cumulative acknowledgement: the next sequence number expected. */
    int cumulative() {
        return window.cumulative();
    }

    /**
     * The selective acknowledgement: as far as the window holds when the peer reads wide SACKs,
     * else over the 64 messages of the frame's SACK field.
     */
    Sack sack() {
        return window.sack(peerReadsWide ? Sack.MAX_WORDS * Frame.SACK_BITS : Frame.SACK_BITS);
    }

    /** Word 0 of {@link #sack}: what a data frame's SACK field carries. */
    long narrowSack() {
        return window.firstWord();
    }

    /**
     * Whether {@link #sack} reaches past {@code narrow}, its word 0: the peer reads wide SACKs and
     * more messages are held than word 0 counts, so only a pure acknowledgement carries it all.
     */
    boolean sackWiderThan(long narrow) {
        return peerReadsWide && window.held() > Long.bitCount(narrow);
    }

    /** Frames held for a gap to fill. */
    int held() {
        return window.held();
    }

    /** Whether a message was begun in segments and is not complete yet. */
    boolean reassembling() {
        return reassembly.inProgress();
    }

    /** Whether something arrived that no acknowledgement has covered yet. */
    boolean ackOwed() {
        return ackPending;
    }

    /** An acknowledgement went out: nothing is owed, and the delayed one is off. */
    void ackSent() {
        ackPending = false;
        arrivalsUnacknowledged = 0;
        ackTimerSet = false;
    }

    /** When the delayed acknowledgement is due, if one is waiting. */
    OptionalLong ackTimer() {
        return ackTimerSet ? OptionalLong.of(ackDeadline) : OptionalLong.empty();
    }

    /** Whether the delayed acknowledgement is due at {@code now}; if so, its timer is off. */
    boolean ackTimerDue(long now) {
        if (ackTimerSet && ackDeadline - now <= 0) {
            ackTimerSet = false;
            return true;
        }
        return false;
    }
}
