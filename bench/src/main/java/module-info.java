/**
 * ministreaming's benchmarks: the throughput harness behind the command line's {@code bench}
 * ({@code org.ministreaming.bench.throughput}, exported, which needs only the library and the
 * JDK), and the JMH benchmarks of the per-message paths (codec, dispatch, open and close, a data
 * message through the engine), packaged as {@code benchmarks.jar}. Not part of the library. JMH
 * runs the benchmarks and the classes it generates by reflection, so that package is open to it;
 * JMH is needed only to compile and run those, so the command line's tool leaves it out.
 */
@SuppressWarnings("requires-automatic")
module org.ministreaming.bench {
    requires org.ministreaming;
    requires java.management;
    requires jdk.management;
    requires static jmh.core;

    exports org.ministreaming.bench.throughput;

    opens org.ministreaming.bench.jmh to jmh.core;
    opens org.ministreaming.bench.jmh.jmh_generated to jmh.core;
}
