package org.ministreaming.transport.reliable;

import java.util.List;

/**
 * Spaces a peer's new frames at the rate its path delivers them, as BBR does: from each
 * acknowledgement it takes a delivery-rate sample (bytes acknowledged over the time they took,
 * the longer of their sending and their acknowledging interval, so that a burst of late
 * acknowledgements does not look fast), keeps the highest sample of each of the last
 * {@value #ROUNDS} round trips, and lets a new frame out only {@code bytes / (GAIN * rate)} after
 * the one before ({@link #STARTUP_GAIN} instead of {@link #GAIN} until the rate stops growing by a
 * quarter a round trip, as BBR's startup: the first samples of a path understate it). A path's bottleneck so gets a steady stream a little faster than it delivers,
 * and the queue in front of it grows only as far as the flight allows, instead of taking the
 * flight in bursts that overflow it. A loss does not lower the rate: it lowers a sample only
 * by the bytes lost, and the highest sample counts.
 *
 * <p>Until a sample was taken while the sender had more to send than it sent (one taken while
 * it was short of data says nothing about the path, unless it is higher), frames leave at a
 * flight's bytes over the smoothed round trip, without gain (the caller gives the initial RTO
 * before a round trip was measured), and without any round trip nothing is paced.
 * Retransmissions are not held back, but they take their turn: the next new frame waits for
 * their bytes too.
 *
 * <p>Pure logic on times the caller gives (nanoseconds), so a test drives it with its own clock.
 * Not thread-safe: the owner's lock guards it.
 */
final class Pacer {

    /** How much faster than the measured delivery rate frames leave: BBR's probing gain. */
    static final double GAIN = 1.25;
    /** The gain while the rate still grows (BBR's startup, 2/ln 2: the rate doubles each round trip). */
    static final double STARTUP_GAIN = 2.89;
    /** Round trips in a row in which the rate grew by less than a quarter, after which startup is over. */
    static final int PLATEAU_ROUNDS = 3;
    /** Round trips over which the highest delivery rate counts. */
    static final int ROUNDS = 10;
    /**
     * How far ahead of its time a frame may leave: on a fast path (a local router) the frames of
     * a millisecond go together, rather than one timer wake-up each; on a slow one this is less
     * than a frame, so nothing changes.
     */
    static final long QUANTUM_NANOS = 1_000_000;
    private static final double NANOS_PER_SECOND = 1e9;

    private final boolean enabled;
    /** Bytes acknowledged so far, when the last of them were, and when the frame that brought them was sent. */
    private long delivered;
    private long deliveredAt;
    private long firstSentAt;
    private boolean anySent;
    private long minRtt = -1;
    /** The highest sample of each of the last round trips, bytes per second; a ring. */
    private final double[] maxima = new double[ROUNDS];
    private int round;
    private long roundStart;
    private boolean sampled;
    /** Whether a sample was taken while the sender had more to send. */
    private boolean measured;
    private long nextSendAt;
    private boolean charged;
    /** Startup: the highest rate when it last grew by a quarter, and the rounds since. */
    private boolean startup = true;
    private double plateau;
    private int roundsFlat;

    /** @param enabled whether to pace at all; without, {@link #allows} always says yes */
    Pacer(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Records that {@code entry} is sent at {@code now}.
     *
     * @param idle whether nothing was in flight before it
     * @param appLimited whether the sender has nothing more waiting to go after it (no frame
     *     queued, room in the window and the flight): a sample it yields may understate the path
     * @param srtt the smoothed round trip, -1 if none was measured
     * @param flightBytes the bytes a full flight holds, for the rate before a sample
     */
    void sent(SendWindow.Entry<?> entry, long now, boolean idle, boolean appLimited, long srtt, long flightBytes) {
        if (idle || !anySent) {
            firstSentAt = now;
            deliveredAt = now;
            anySent = true;
        }
        entry.deliveredBefore = delivered;
        entry.deliveredAtBefore = deliveredAt;
        entry.firstSentAtBefore = firstSentAt;
        entry.appLimited = appLimited;
        double rate = rate(srtt, flightBytes);
        if (enabled && rate > 0) {
            long start = charged && nextSendAt - now > 0 ? nextSendAt : now;
            // A rate not measured yet is a flight per round trip, which the gain would turn into a burst.
            double gain = measured ? gain() : 1;
            nextSendAt = start + (long) (entry.bytes() * NANOS_PER_SECOND / (gain * rate));
            charged = true;
        }
    }

    /**
     * Takes what one acknowledgement delivered for the first time, and its round-trip sample
     * (-1 for none), at {@code now}; {@code srtt} sets the length of a round of the filter.
     */
    void delivered(List<? extends SendWindow.Entry<?>> entries, long rttSample, long now, long srtt) {
        if (rttSample >= 0 && (minRtt < 0 || rttSample < minRtt)) {
            minRtt = rttSample;
        }
        if (entries.isEmpty()) {
            return;
        }
        SendWindow.Entry<?> newest = null;
        for (SendWindow.Entry<?> entry : entries) {
            delivered += entry.bytes();
            if (newest == null || entry.deliveredBefore - newest.deliveredBefore >= 0) {
                newest = entry;
            }
        }
        deliveredAt = now;
        firstSentAt = newest.sentAt();
        long interval = Math.max(newest.sentAt() - newest.firstSentAtBefore, now - newest.deliveredAtBefore);
        if (interval <= 0 || (minRtt > 0 && interval < minRtt)) {
            return;
        }
        double sample = (delivered - newest.deliveredBefore) * NANOS_PER_SECOND / interval;
        if (newest.appLimited && sample <= highest()) {
            return;
        }
        measured |= !newest.appLimited;
        record(sample, now, srtt);
    }

    private void record(double sample, long now, long srtt) {
        if (!sampled) {
            sampled = true;
            roundStart = now;
        } else if (srtt > 0 && now - roundStart >= srtt) {
            endOfRound();
            round = (round + 1) % ROUNDS;
            maxima[round] = 0;
            roundStart = now;
        }
        maxima[round] = Math.max(maxima[round], sample);
    }

    /** At the end of each round of a measured rate: startup ends once the rate stopped growing. */
    private void endOfRound() {
        if (!startup || !measured) {
            return;
        }
        double highest = highest();
        if (highest >= plateau * 1.25) {
            plateau = highest;
            roundsFlat = 0;
        } else if (++roundsFlat >= PLATEAU_ROUNDS) {
            startup = false;
        }
    }

    /**
     * Starts from {@code rate}, bytes per second, measured on this path before (the peer was
     * forgotten and is met again), as if it were measured now with more to send: no startup, and
     * the first frames paced at the probing gain above it rather than a flight per round trip.
     * A path that got slower since shows in the losses and acknowledgements as any other would;
     * the rate given counts as the highest sample of the first round. Nothing changes for 0.
     */
    void startFrom(double rate) {
        if (rate > 0) {
            maxima[round] = rate;
            measured = true;
            startup = false;
        }
    }

    /** The highest delivery rate measured with more to send, bytes per second; 0 before one was. */
    double measuredRate() {
        return measured ? highest() : 0;
    }

    /** The gain the pacing applies to the rate now. */
    double gain() {
        return startup ? STARTUP_GAIN : GAIN;
    }

    private double highest() {
        double highest = 0;
        for (double maximum : maxima) {
            highest = Math.max(highest, maximum);
        }
        return highest;
    }

    /**
     * The delivery rate the pacing follows, bytes per second: the highest sample of the last
     * rounds once one was taken with more to send, else {@code flightBytes} over {@code srtt},
     * else 0 (nothing paced).
     */
    double rate(long srtt, long flightBytes) {
        if (measured) {
            return highest();
        }
        return srtt > 0 ? Math.max(highest(), flightBytes * NANOS_PER_SECOND / srtt) : 0;
    }

    /**
     * The bytes the path holds without a queue: the delivery rate times the shortest round trip
     * (BBR's estimate of the bandwidth-delay product); 0 before a rate was measured with more to send.
     */
    long pathBytes() {
        return measured && minRtt > 0 ? (long) (highest() * minRtt / NANOS_PER_SECOND) : 0;
    }

    /** Whether a new frame may leave at {@code now}: its time has come, or comes within {@link #QUANTUM_NANOS}. */
    boolean allows(long now) {
        return !enabled || !charged || nextSendAt - now <= QUANTUM_NANOS;
    }

    /** When the next new frame may leave, if pacing holds it; meaningful when {@link #allows} says no. */
    long nextSendAt() {
        return nextSendAt - QUANTUM_NANOS;
    }
}
