package org.ministreaming.bench.throughput;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One stream of a {@link Path}, connected: the sender writes to {@code out} and then closes
 * {@code senderEnd}; the receiver reads {@code in} to its end and closes {@code receiverEnd}.
 * Each end is used by one thread.
 *
 * @param out where the sender writes
 * @param in where the receiver reads
 * @param senderEnd closed by the sender when it has written everything
 * @param receiverEnd closed by the receiver when it has seen the end of the stream
 */
public record Stream(OutputStream out, InputStream in, Closeable senderEnd, Closeable receiverEnd) {

    /** Closes both ends, ignoring failures: used to release a stream whatever state it is in. */
    public void closeQuietly() {
        close(senderEnd);
        close(receiverEnd);
    }

    private static void close(Closeable end) {
        try {
            end.close();
        } catch (IOException ignored) {
            // already broken: nothing more to release
        }
    }
}
