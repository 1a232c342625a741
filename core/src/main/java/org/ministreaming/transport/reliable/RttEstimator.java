package org.ministreaming.transport.reliable;

/**
 * The retransmission timeout of one peer, estimated from measured round trips as RFC 6298 says:
 * the first sample R sets SRTT = R and RTTVAR = R/2; later samples R' set
 * RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| and then SRTT = 7/8 SRTT + 1/8 R';
 * RTO = SRTT + max(G, 4 RTTVAR), with a clock granularity G of 1 ms, kept between a floor and
 * a ceiling. Before the first sample the RTO is the initial one. A timeout doubles the RTO
 * ({@link #backoff}) until the next sample; by Karn's algorithm callers take samples only from
 * messages sent once.
 *
 * <p>All times in nanoseconds. Not thread-safe: the owner's lock guards it.
 */
final class RttEstimator {

    /** The clock granularity G. */
    static final long GRANULARITY_NANOS = 1_000_000;
    private static final int MAX_SHIFT = 30;

    private final long minRto;
    private final long initialRto;
    private final long maxRto;
    private boolean measured;
    private long srtt;
    private long rttvar;
    private int shift;

    /**
     * An estimator without samples yet.
     *
     * @param minRto the floor of the RTO (RFC 6298 says 1 s; local transports do well with less)
     * @param initialRto the RTO before the first sample
     * @param maxRto the ceiling of the RTO, backoff included
     */
    RttEstimator(long minRto, long initialRto, long maxRto) {
        if (minRto <= 0 || initialRto <= 0 || maxRto < minRto) {
            throw new IllegalArgumentException("need 0 < minRto <= maxRto and initialRto > 0");
        }
        this.minRto = minRto;
        this.initialRto = initialRto;
        this.maxRto = maxRto;
    }

    /** Takes one round-trip measurement, and ends any backoff. */
    void sample(long rtt) {
        long r = Math.max(0, rtt);
        if (!measured) {
            srtt = r;
            rttvar = r / 2;
            measured = true;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        shift = 0;
    }

    /** Doubles the RTO after a timeout, up to the ceiling. */
    void backoff() {
        if (shift < MAX_SHIFT && rto() < maxRto) {
            shift++;
        }
    }

    /** The retransmission timeout now: the estimate, floored, doubled per backoff, capped. */
    long rto() {
        long base = measured ? srtt + Math.max(GRANULARITY_NANOS, 4 * rttvar) : initialRto;
        base = Math.max(minRto, base);
        if (shift > 0 && base > (maxRto >> shift)) {
            return maxRto;
        }
        return Math.min(maxRto, base << shift);
    }

    /** The smoothed round trip, or -1 before the first sample. */
    long srtt() {
        return measured ? srtt : -1;
    }

    /** The round-trip variation, or -1 before the first sample. */
    long rttvar() {
        return measured ? rttvar : -1;
    }
}
