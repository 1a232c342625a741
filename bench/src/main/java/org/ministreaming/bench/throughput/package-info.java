/**
 * The throughput harness behind {@code ministreaming bench}: one-way bulk transfers over a number
 * of concurrent streams, timed the same way on any {@link org.ministreaming.bench.throughput.Path},
 * with two paths to compare: ministreaming over its TCP transport
 * ({@link org.ministreaming.bench.throughput.MinistreamingPath}) and raw TCP sockets
 * ({@link org.ministreaming.bench.throughput.RawTcpPath}). {@link org.ministreaming.bench.throughput.Throughput#transfer}
 * is the one entry point; it prints nothing, so the command decides what to show.
 * {@link org.ministreaming.bench.throughput.Round} compares one round's two transfers, and
 * {@link org.ministreaming.bench.throughput.JitClock} tells when the JIT compiler is quiet enough
 * for the warm-up to end. It needs only the library and the JDK: the command-line tool's
 * {@code bench} is a front over it and takes nothing else from this module.
 */
package org.ministreaming.bench.throughput;
