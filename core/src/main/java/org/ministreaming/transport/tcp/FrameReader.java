package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads frames from a link's stream through a buffer of its own: a link's reader reads the socket
 * in large pieces, and each frame comes out as a fresh array copied from the buffer. Reads and
 * errors are those of {@link Frames#read}; unlike it, this reader reads ahead, so it must be the
 * only reader of its stream.
 *
 * <p>Not thread-safe: one link's reader thread uses it.
 */
final class FrameReader {

    private final InputStream in;
    private final byte[] buffer;
    /** Where the unread bytes start in {@link #buffer}. */
    private int start;
    /** Where they end. */
    private int end;

    /**
     * @param in the stream, read only through this reader from now on
     * @param bufferSize bytes read at most at once; at least a whole frame with its length
     */
    FrameReader(InputStream in, int bufferSize) {
        if (bufferSize < Frames.LENGTH_BYTES + Frames.MAX_LENGTH) {
            throw new IllegalArgumentException("a frame reader's buffer must hold a whole frame: " + bufferSize);
        }
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /**
     * Reads one frame.
     *
     * @return its bytes, or {@code null} if the stream ended cleanly before the frame began
     * @throws BadPeerException if the length is out of range or the stream ends inside the frame
     * @throws IOException if reading fails
     */
    byte[] read() throws IOException {
        int got = fill(Frames.LENGTH_BYTES);
        if (got == 0) {
            return null;
        }
        if (got < Frames.LENGTH_BYTES) {
            throw new BadPeerException("truncated frame: the stream ended after " + got + " of the 4 length bytes");
        }
        int length = (buffer[start] & 0xFF) << 24 | (buffer[start + 1] & 0xFF) << 16
                | (buffer[start + 2] & 0xFF) << 8 | buffer[start + 3] & 0xFF;
        if (length < 1 || length > Frames.MAX_LENGTH) {
            throw new BadPeerException("bad frame length 0x" + String.format("%08X", length)
                    + " (" + Integer.toUnsignedString(length) + "); a frame holds 1 to " + Frames.MAX_LENGTH + " bytes");
        }
        int body = fill(Frames.LENGTH_BYTES + length) - Frames.LENGTH_BYTES;
        if (body < length) {
            throw new BadPeerException("truncated frame: the stream ended after " + body + " of " + length + " bytes");
        }
        int from = start + Frames.LENGTH_BYTES;
        start = from + length;
        // A copy into a fresh array, which the JIT need not zero first.
        return Arrays.copyOfRange(buffer, from, from + length);
    }

    /**
     * Reads until {@code wanted} bytes are buffered or the stream ends, moving the unread bytes
     * to the front first if they would not fit.
     *
     * @return {@code wanted}, or the bytes buffered if the stream ended before that many
     */
    private int fill(int wanted) throws IOException {
        if (end - start >= wanted) {
            return wanted;
        }
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (buffer.length - start < wanted) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < wanted) {
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                return end - start;
            }
            end += n;
        }
        return wanted;
    }
}
