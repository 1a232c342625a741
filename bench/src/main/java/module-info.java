/**
 * ministreaming's JMH benchmarks of the per-message paths (codec, dispatch, open and close, a data
 * message through the engine), packaged as {@code benchmarks.jar}. Not part of the library. JMH
 * runs the benchmarks and the classes it generates by reflection, so the package is open to it.
 */
@SuppressWarnings("requires-automatic")
module org.ministreaming.bench {
    requires org.ministreaming;
    requires jmh.core;

    opens org.ministreaming.bench.jmh to jmh.core;
    opens org.ministreaming.bench.jmh.jmh_generated to jmh.core;
}
