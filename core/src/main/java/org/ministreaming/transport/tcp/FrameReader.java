package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Reads frames from a link's stream through a buffer of its own: a link's reader reads the socket
 * in large pieces, and each frame comes out as a fresh array copied from the buffer. Reads and
 * errors are those of {@link Frames#read}; unlike it, this reader reads ahead, so it must be the
 * only reader of its stream.
 *
 * <p>The buffer starts small ({@value #INITIAL_BUFFER} bytes, enough for a hello and for control
 * messages) and grows to its full size only when a frame does not fit, so an idle link costs
 * little. Before each read that may block, the reader tells its {@link Pacing} whether a frame
 * has begun and since when, so the link can put a deadline on finishing it; a read that times
 * out is tried again after the pacing has checked its deadlines.
 *
 * <p>Not thread-safe: one link's reader thread uses it.
 */
final class FrameReader {

    /** Bytes of the buffer until a frame needs more. */
    static final int INITIAL_BUFFER = 4096;

    /** Told before every read that may block; sets the read timeout or gives up. */
    @FunctionalInterface
    interface Pacing {
        /** No deadlines: reads block as long as the stream lets them. */
        Pacing NONE = frameStartNanos -> { };

        /**
         * Called before the reader blocks for more bytes.
         *
         * @param frameStartNanos when the frame being read began ({@link System#nanoTime}), or
         *     {@code -1} between frames
         * @throws IOException if a deadline has passed
         */
        void beforeRead(long frameStartNanos) throws IOException;
    }

    private final InputStream in;
    private final int maxBuffer;
    private final Pacing pacing;
    private byte[] buffer;
    /** Where the unread bytes start in {@link #buffer}. */
    private int start;
    /** Where they end. */
    private int end;
    /** When the first bytes of the frame being read were seen, or -1 between frames. */
    private long frameStart = -1;

    /**
     * A reader without deadlines.
     *
     * @param in the stream, read only through this reader from now on
     * @param maxBuffer bytes read at most at once; at least a whole frame with its length
     */
    FrameReader(InputStream in, int maxBuffer) {
        this(in, maxBuffer, Pacing.NONE);
    }

    /**
     * @param in the stream, read only through this reader from now on
     * @param maxBuffer bytes read at most at once; at least a whole frame with its length
     * @param pacing told before every read that may block
     */
    FrameReader(InputStream in, int maxBuffer, Pacing pacing) {
        if (maxBuffer < Frames.LENGTH_BYTES + Frames.MAX_LENGTH) {
            throw new IllegalArgumentException("a frame reader's buffer must hold a whole frame: " + maxBuffer);
        }
        this.in = in;
        this.maxBuffer = maxBuffer;
        this.pacing = pacing;
        this.buffer = new byte[INITIAL_BUFFER];
    }

    /**
     * Reads one frame.
     *
     * @return its bytes, or {@code null} if the stream ended cleanly before the frame began
     * @throws BadPeerException if the length is out of range or the stream ends inside the frame
     * @throws IOException if reading fails, or the pacing gave up
     */
    byte[] read() throws IOException {
        frameStart = end > start ? System.nanoTime() : -1;
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

    /** Bytes the buffer holds now: {@value #INITIAL_BUFFER} until a frame needed more. */
    int bufferSize() {
        return buffer.length;
    }

    /**
     * Reads until {@code wanted} bytes are buffered or the stream ends, moving the unread bytes
     * to the front first if they would not fit, and growing the buffer to its full size if they
     * still would not.
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
            if (buffer.length < wanted) {
                byte[] grown = new byte[maxBuffer];
                System.arraycopy(buffer, start, grown, 0, end - start);
                buffer = grown;
            } else {
                System.arraycopy(buffer, start, buffer, 0, end - start);
            }
            end -= start;
            start = 0;
        }
        while (end - start < wanted) {
            pacing.beforeRead(frameStart);
            int n;
            try {
                n = in.read(buffer, end, buffer.length - end);
            } catch (SocketTimeoutException e) {
                continue; // the pacing decides whether a deadline passed or moved meanwhile
            }
            if (n < 0) {
                return end - start;
            }
            if (frameStart < 0 && n > 0) {
                frameStart = System.nanoTime();
            }
            end += n;
        }
        return wanted;
    }
}
