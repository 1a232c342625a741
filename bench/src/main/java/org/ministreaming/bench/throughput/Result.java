package org.ministreaming.bench.throughput;

/**
 * What a transfer did. Immutable.
 *
 * @param bytes bytes the receivers read, together
 * @param nanos from releasing the senders until the last receiver saw its end of stream
 * @param cpuNanos CPU time the whole process used meanwhile, user and system, or -1 if unknown
 */
public record Result(long bytes, long nanos, long cpuNanos) {

    private static final double MIB = 1 << 20;

    /**
     * The duration.
     *
     * @return {@link #nanos} in seconds
     */
    public double seconds() {
        return nanos / 1e9;
    }

    /**
     * The throughput.
     *
     * @return MiB (2^20 bytes) per second
     */
    public double mebibytesPerSecond() {
        return bytes / MIB / Math.max(seconds(), 1e-9);
    }
}
