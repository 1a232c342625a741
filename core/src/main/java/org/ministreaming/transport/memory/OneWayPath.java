package org.ministreaming.transport.memory;

import java.util.Random;

/**
 * One direction of a simulated path: its {@link PathConditions} and the state they act on, the
 * time until which the bandwidth is taken by the fragments already queued. Given a message's size,
 * the clock and a random source, it decides whether the message arrives and when; it keeps no
 * messages and reads no clock of its own, so that tests can drive it.
 *
 * <p>Thread-safe: its methods are synchronized.
 */
final class OneWayPath {

    /** What became of one message. */
    enum Outcome { DELIVERED, FRAGMENT_LOST, QUEUE_FULL }

    /**
     * The decision for one message.
     *
     * @param outcome whether it arrives
     * @param dueNanos when it arrives, on the clock given to {@link #cross}; meaningless unless delivered
     */
    record Crossing(Outcome outcome, long dueNanos) {
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PathConditions conditions;
    private long busyUntilNanos;
    private boolean busy;
    private long delivered;
    private long fragmentLosses;
    private long queueDrops;

    OneWayPath(PathConditions conditions) {
        this.conditions = conditions;
    }

    /** Changes the conditions from now on; fragments already queued keep their place. */
    synchronized void setConditions(PathConditions newConditions) {
        this.conditions = newConditions;
    }

    /**
     * Decides the fate of a message of {@code bytes} sent at {@code nowNanos}: queues its
     * fragments for the bandwidth, unless the queue is full; loses it if any fragment is lost (a
     * lost message has used the bandwidth all the same); otherwise it is due once serialised plus
     * the latency with its jitter.
     */
    synchronized Crossing cross(int bytes, long nowNanos, Random random) {
        int fragments = PathConditions.fragments(bytes);
        long wireBytes = (long) fragments * PathConditions.FRAGMENT_BYTES;
        long sentNanos = nowNanos;
        if (conditions.bytesPerSecond() > 0) {
            long start = busy && busyUntilNanos - nowNanos > 0 ? busyUntilNanos : nowNanos;
            long queued = bytesIn(start - nowNanos);
            if (queued > 0 && queued + wireBytes > conditions.queueBytes()) {
                queueDrops++;
                return new Crossing(Outcome.QUEUE_FULL, 0);
            }
            sentNanos = start + wireBytes * NANOS_PER_SECOND / conditions.bytesPerSecond();
            busyUntilNanos = sentNanos;
            busy = true;
        }
        if (anyFragmentLost(fragments, random)) {
            fragmentLosses++;
            return new Crossing(Outcome.FRAGMENT_LOST, 0);
        }
        delivered++;
        return new Crossing(Outcome.DELIVERED, sentNanos + latencyNanos(random));
    }

    /** What this direction has done with the messages it was given so far. */
    synchronized PathCounts counts() {
        return new PathCounts(delivered, fragmentLosses, queueDrops);
    }

    private long bytesIn(long nanos) {
        return nanos <= 0 ? 0 : (long) ((double) nanos * conditions.bytesPerSecond() / NANOS_PER_SECOND);
    }

    private boolean anyFragmentLost(int fragments, Random random) {
        double percent = conditions.fragmentLossPercent();
        if (percent <= 0) {
            return false;
        }
        for (int i = 0; i < fragments; i++) {
            if (random.nextDouble() * 100 < percent) {
                return true;
            }
        }
        return false;
    }

    private long latencyNanos(Random random) {
        long latency = conditions.latency().toNanos();
        long jitter = conditions.jitter().toNanos();
        return jitter == 0 ? latency : latency - jitter + (long) (random.nextDouble() * 2 * jitter);
    }
}
