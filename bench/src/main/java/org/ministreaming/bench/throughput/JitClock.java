package org.ministreaming.bench.throughput;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How long the JVM's JIT compiler has spent compiling, where the JVM tells
 * ({@link CompilationMXBean#getTotalCompilationTime}), and when that counts as quiet: the rule
 * {@code bench} warms up by.
 *
 * <p>Thread-safe: it only reads the JVM's counter.
 */
public final class JitClock {

    /** A stretch of time counts as quiet when the compiler was busy for at most this share of it. */
    static final double QUIET_SHARE = 0.05;

    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private JitClock() {
    }

    /** Whether this JVM reports its compile time; {@link #millis} is -1 when not. */
    public static boolean readable() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported();
    }

    /** Milliseconds spent compiling since the JVM started, over all compiler threads, or -1 if unknown. */
    public static long millis() {
        return readable() ? COMPILER.getTotalCompilationTime() : -1;
    }

    /**
     * Whether the compiler was quiet during a stretch of {@code nanos} in which it compiled for
     * {@code compileMillis}: busy for at most {@value #QUIET_SHARE} of it.
     *
     * @param compileMillis milliseconds spent compiling meanwhile, not negative
     * @param nanos the stretch's length, positive
     */
    public static boolean quiet(long compileMillis, long nanos) {
        return compileMillis * 1_000_000.0 <= QUIET_SHARE * nanos;
    }
}
