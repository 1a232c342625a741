/**
 * The throughput harness behind {@code ministreaming bench}: one-way bulk transfers over a number
 * of concurrent streams, timed the same way on any {@link org.ministreaming.bench.throughput.Path},
 * with two paths to compare: ministreaming over its TCP transport
 * ({@link org.ministreaming.bench.throughput.MinistreamingPath}) and raw TCP sockets
 * ({@link org.ministreaming.bench.throughput.RawTcpPath}). {@link org.ministreaming.bench.throughput.Throughput#transfer}
 * is the one entry point; it prints nothing, so the command decides what to show.
 */
package org.ministreaming.bench.throughput;
