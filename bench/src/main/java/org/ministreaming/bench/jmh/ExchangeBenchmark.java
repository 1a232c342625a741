package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the open-and-close benchmarks share: exchanges per second from one and from eight client
 * threads, each exchange ending with the server's 1-byte answer, 2. Ten warm-up seconds, since the
 * rate of a whole exchange climbs for about seven while the JIT compiles. A subclass says what an
 * exchange is and declares its own state's scope.
 */
@Fork(1)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class ExchangeBenchmark {

    /** How long any wait may last before a broken run becomes an error. */
    static final Duration STALL = Duration.ofSeconds(10);

    /** One exchange from one client thread. */
    @Benchmark
    @Threads(1)
    public int oneThread() throws IOException {
        return exchange();
    }

    /** One exchange from each of eight client threads at once. */
    @Benchmark
    @Threads(8)
    public int eightThreads() throws IOException {
        return exchange();
    }

    /**
     * One exchange.
     *
     * @return the server's answer, 2
     */
    abstract int exchange() throws IOException;
}
