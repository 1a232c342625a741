package org.ministreaming.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;

/**
 * The bytes every contender moves: 1 MiB of seeded random bytes, made before anything is timed
 * (so compression gains nothing), written over and over in chunks of 64 KiB and read with a
 * buffer of the same size.
 */
final class Payload {

    /** The size of every write and of the readers' buffer. */
    static final int CHUNK = 64 * 1024;

    /** The size of the payload: 1 MiB. */
    static final int SIZE = 1 << 20;

    private static final byte[] BYTES = new byte[SIZE];

    static {
        new Random(42).nextBytes(BYTES);
    }

    private Payload() {
    }

    /** Writes {@code total} bytes of the payload, then flushes. */
    static void write(OutputStream out, long total) throws IOException {
        long left = total;
        int offset = 0;
        while (left > 0) {
            int n = (int) Math.min(CHUNK, left);
            out.write(BYTES, offset, n);
            offset = (offset + n) % BYTES.length;
            left -= n;
        }
        out.flush();
    }

    /** Reads exactly {@code total} bytes. */
    static void read(InputStream in, long total) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long left = total;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException((total - left) + " of " + total + " bytes arrived before the end of the stream");
            }
            left -= n;
        }
    }

    /** A copy of {@code length} payload bytes from {@code offset}, which must lie within the 1 MiB. */
    static byte[] copy(int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(BYTES, offset, copy, 0, length);
        return copy;
    }
}
