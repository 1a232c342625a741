/**
 * The throughput harness behind {@code ministreaming bench}: one-way bulk transfers over a number
 * of concurrent streams, timed the same way on any {@link org.ministreaming.cli.throughput.Path},
 * with two paths to compare: ministreaming over its TCP transport
 * ({@link org.ministreaming.cli.throughput.MinistreamingPath}) and raw TCP sockets
 * ({@link org.ministreaming.cli.throughput.RawTcpPath}). {@link org.ministreaming.cli.throughput.Throughput#transfer}
 * is the one entry point; it prints nothing, so the command decides what to show.
 */
package org.ministreaming.cli.throughput;
