package org.ministreaming.transport.reliable;

import java.util.ArrayList;
import java.util.List;

/**
 * The receiving half of one peer's reliable stream: delivers messages in sequence order, each
 * once. A message that arrives early is held until the gap before it fills, if it is within
 * {@code capacity} of the next expected one; a message further ahead is dropped (the sender
 * sends it again), so at most {@code capacity - 1} messages are ever held. A message already
 * delivered or already held is a duplicate and is dropped. Pure logic without threads or I/O.
 *
 * <p>Not thread-safe: the owner's lock guards it.
 *
 * @param <T> the payload type
 */
final class ReceiveWindow<T> {

    /** What became of an arriving message. */
    enum Outcome {
        /** It was the next expected: delivered, with any held ones that follow it. */
        IN_ORDER,
        /** It arrived early and is held. */
        HELD,
        /** It was delivered or held before: dropped. */
        DUPLICATE,
        /** It is too far ahead to hold: dropped. */
        OUT_OF_WINDOW
    }

    /**
     * The outcome of one arrival.
     *
     * @param outcome what became of the message
     * @param deliverable the messages to hand on now, in order (empty unless {@link Outcome#IN_ORDER})
     */
    record Result<T>(Outcome outcome, List<T> deliverable) {
    }

    private final int capacity;
    /** Allocated when the first message is held, so an idle peer costs little. */
    private Object[] ring;
    private final int mask;
    private int next;
    private int held;

    /**
     * An empty window expecting {@code firstSeq}.
     *
     * @param capacity how far ahead of the next expected message one may be and still be held, at least 1
     * @param firstSeq the first sequence number (0 on the wire; tests start near the wrap-around)
     */
    ReceiveWindow(int capacity, int firstSeq) {
        if (capacity < 1 || capacity > (1 << 20)) {
            throw new IllegalArgumentException("need 1 <= capacity <= 2^20: " + capacity);
        }
        this.capacity = capacity;
        int size = Integer.highestOneBit(capacity) == capacity ? capacity : Integer.highestOneBit(capacity) << 1;
        this.mask = size - 1;
        this.next = firstSeq;
    }

    /** Takes message {@code seq}. */
    @SuppressWarnings("unchecked")
    Result<T> accept(int seq, T payload) {
        int offset = seq - next;
        if (offset < 0) {
            return new Result<>(Outcome.DUPLICATE, List.of());
        }
        if (offset >= capacity) {
            return new Result<>(Outcome.OUT_OF_WINDOW, List.of());
        }
        if (offset > 0) {
            if (ring == null) {
                ring = new Object[mask + 1];
            }
            if (ring[seq & mask] != null) {
                return new Result<>(Outcome.DUPLICATE, List.of());
            }
            ring[seq & mask] = payload;
            held++;
            return new Result<>(Outcome.HELD, List.of());
        }
        List<T> deliverable = new ArrayList<>();
        deliverable.add(payload);
        next++;
        Object following;
        while (held > 0 && (following = ring[next & mask]) != null) {
            ring[next & mask] = null;
            held--;
            deliverable.add((T) following);
            next++;
        }
        return new Result<>(Outcome.IN_ORDER, deliverable);
    }

    /** The next sequence number expected: the cumulative acknowledgement. */
    int cumulative() {
        return next;
    }

    /**
     * The selective acknowledgement of the messages held, as far as {@code reach} messages after
     * the gap: bit i of word j set when {@code cumulative() + 1 + 64 j + i} is held.
     *
     * @param reach how many messages after the gap it may cover: {@link Frame#SACK_BITS}, or more
     *     for a peer that reads wide SACKs
     */
    Sack sack(int reach) {
        if (held == 0 || ring == null) {
            return Sack.NONE;
        }
        int covered = Math.min(reach, capacity - 1);
        long[] words = new long[Math.max(1, (covered + 63) / 64)];
        for (int j = 0; j < words.length; j++) {
            words[j] = word(j, covered);
        }
        return Sack.ofWords(words);
    }

    /** Word 0 of {@link #sack}: the messages held among the 64 after the gap, as a frame's SACK field carries them. */
    long firstWord() {
        return held == 0 || ring == null ? 0 : word(0, Math.min(Frame.SACK_BITS, capacity - 1));
    }

    /** Bit i set when {@code cumulative() + 1 + 64 j + i} is held, up to {@code covered} messages after the gap. */
    private long word(int j, int covered) {
        long bits = 0;
        for (int i = 64 * j, end = Math.min(covered, 64 * j + 64); i < end; i++) {
            if (ring[(next + 1 + i) & mask] != null) {
                bits |= 1L << (i % 64);
            }
        }
        return bits;
    }

    /** Messages held for a gap to fill. */
    int held() {
        return held;
    }
}
