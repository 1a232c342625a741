package org.ministreaming;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Writes one connection's bytes, a pattern its reader checks ({@link #readAndCheck}), without
 * ever waiting, as a tunnel's direction does: {@link StreamSocket#writeNow} until it takes less
 * than it was given, then the next step when {@link StreamSocket#onWritable} says so, on the
 * given executor; at the end it closes the socket. For stress tests of the writes that do not wait.
 *
 * <p>Thread-safe: one step runs at a time.
 */
public final class PatternWriter {

    private final StreamSocket socket;
    private final long total;
    private final Executor steps;
    private final Runnable cut;
    private final byte[] chunk;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private long position;
    private int from;
    private int to;

    /**
     * @param chunk the bytes offered to each {@code writeNow}
     * @param cut runs each time a write takes less than it was given, before the step waits
     */
    public PatternWriter(StreamSocket socket, long total, int chunk, Executor steps, Runnable cut) {
        this.socket = socket;
        this.total = total;
        this.steps = steps;
        this.cut = cut;
        this.chunk = new byte[chunk];
    }

    /** The byte at {@code position} of every connection's stream. */
    public static byte pattern(long position) {
        return (byte) (position * 31 + (position >>> 8));
    }

    /** Reads to the end, checking each byte against the pattern; returns how many came. */
    public static long readAndCheck(StreamSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[512];
        long position = 0;
        for (int n; (n = in.read(buffer)) >= 0;) {
            for (int i = 0; i < n; i++, position++) {
                if (buffer[i] != pattern(position)) {
                    throw new AssertionError("byte " + position + " differs");
                }
            }
        }
        return position;
    }

    /** Completes once every byte was taken and the socket closed, or with the failure. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Writes until a write takes less than it was given, then waits for the next step; call once to start. */
    public synchronized void step() {
        try {
            while (position < total || from < to) {
                if (from == to) {
                    to = (int) Math.min(chunk.length, total - position);
                    for (int i = 0; i < to; i++) {
                        chunk[i] = pattern(position + i);
                    }
                    position += to;
                    from = 0;
                }
                from += socket.writeNow(chunk, from, to - from);
                if (from < to) {
                    cut.run();
                    socket.onWritable(steps, this::step);
                    return;
                }
            }
            socket.close();
            done.complete(null);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
        }
    }
}
