package org.ministreaming.bench.throughput;

import java.util.SplittableRandom;

/**
 * The bytes every stream sends: a period of seeded random bytes repeated, stored with enough of
 * its start repeated after it that any write or comparison of up to {@code chunk} bytes is one
 * contiguous range of {@link #bytes}. Made once, before any timing. Immutable in use (nobody
 * writes to the array after {@link #of}), so thread-safe.
 *
 * @param bytes the period followed by its first {@code chunk} bytes, cyclically
 * @param period the length of the period
 */
public record Data(byte[] bytes, int period) {

    /** Default period: 1 MiB. */
    public static final int PERIOD = 1 << 20;

    /**
     * Makes the data.
     *
     * @param chunk the largest write or read, at least 1
     * @param seed the random seed
     * @return the same bytes for the same arguments
     */
    public static Data of(int chunk, long seed) {
        byte[] base = new byte[PERIOD];
        new SplittableRandom(seed).nextBytes(base);
        byte[] bytes = new byte[Math.addExact(PERIOD, chunk)];
        for (int at = 0; at < bytes.length; at += PERIOD) {
            System.arraycopy(base, 0, bytes, at, Math.min(PERIOD, bytes.length - at));
        }
        return new Data(bytes, PERIOD);
    }

    /**
     * Where the byte at {@code position} of a stream sits in {@link #bytes}.
     *
     * @param position a position in a stream, from 0
     * @return an offset in {@link #bytes}
     */
    public int offset(long position) {
        return (int) (position % period);
    }
}
