/**
 * JMH benchmarks of the per-message paths: the codec ({@link org.ministreaming.bench.jmh.CodecBenchmark}),
 * data messages through real engines without thread hand-offs
 * ({@link org.ministreaming.bench.jmh.EngineBenchmark}), and open, 1-byte exchange and close on
 * the in-memory and TCP transports ({@link org.ministreaming.bench.jmh.OpenCloseBenchmark}, against
 * servers that block and one in callbacks, {@link org.ministreaming.bench.jmh.CallbackServer}), next to
 * the same exchange over raw TCP ({@link org.ministreaming.bench.jmh.RawOpenCloseBenchmark}), and
 * the floors under it: its waits between threads alone
 * ({@link org.ministreaming.bench.jmh.HandOffFloorBenchmark}) and its two round trips over an open
 * TCP connection alone ({@link org.ministreaming.bench.jmh.TcpRoundTripFloorBenchmark}). Each class
 * sets one fork and 5 measured iterations of a second, after 3 warm-up iterations for the codec
 * and the engine and 10 for the open-and-close classes, whose rate climbs for about ten seconds
 * while the JIT compiles; the whole set takes about seven minutes on two cores. Built into
 * {@code bench/target/benchmarks.jar} and never run by the build:
 * <pre>
 * ./mvnw -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar            # all; or name a class, e.g. EngineBenchmark
 * </pre>
 * Results and how to read them: docs/benchmarks.md, "JMH: the per-message paths".
 */
package org.ministreaming.bench.jmh;
