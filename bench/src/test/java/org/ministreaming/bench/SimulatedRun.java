package org.ministreaming.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ministreaming.transport.memory.PathConditions;

/**
 * Measures one {@link SimulatedStreamPath}: connects with a 1-byte request and its reply, bulk
 * transfers checked with SHA-256, and a bulk transfer through which the path stalls. Its
 * {@link PathServer} serves each connection as the first byte the client sends asks: {@code R}, a request it answers with one byte; {@code B}, a bulk transfer whose
 * length follows in 8 bytes, answered with the SHA-256 of what arrived.
 *
 * <p>Not thread-safe: one client call at a time.
 */
final class SimulatedRun implements AutoCloseable {

    private static final int REQUEST = 'R';
    private static final int BULK = 'B';

    /**
     * One connect.
     *
     * @param connectNanos from the call that opens the connection until it returned
     * @param firstByteNanos from the same call until the reply to the 1-byte request sent at once arrived
     */
    record Connect(long connectNanos, long firstByteNanos) {
    }

    /**
     * One bulk transfer.
     *
     * @param bytes the bytes written
     * @param nanos from the first byte written until the receiver's digest arrived
     * @param intact whether the receiver's SHA-256 matched the sender's
     * @param resumeNanos with a stall: from the path's return until the receiver read again, or -1
     */
    record Bulk(long bytes, long nanos, boolean intact, long resumeNanos) {
    }

    private final SimulatedStreamPath path;
    private final PathConditions conditions;
    private final int writeBytes;
    private final PathServer server;
    private volatile long restoredAtNanos;
    private volatile boolean restored;
    private volatile long firstReadAfterRestoreNanos = -1;

    private SimulatedRun(SimulatedStreamPath path, PathConditions conditions, int writeBytes) {
        this.path = path;
        this.conditions = conditions;
        this.writeBytes = writeBytes;
        this.server = PathServer.start(path, "sim", this::serve);
    }

    /**
     * Starts serving {@code path}, whose conditions are {@code conditions}; closing the run closes
     * the path.
     *
     * @param writeBytes the size of each write of a bulk transfer ({@link Payload#CHUNK} as in the
     *     other benchmarks; ministreaming sends each write as messages of at most 32 KiB)
     */
    static SimulatedRun start(SimulatedStreamPath path, PathConditions conditions, int writeBytes) {
        return new SimulatedRun(path, conditions, writeBytes);
    }

    /** The path measured. */
    SimulatedStreamPath path() {
        return path;
    }

    /** Connects, sends one byte at once and waits for the reply. */
    Connect connect() throws IOException {
        long start = System.nanoTime();
        Link link = path.connect();
        try {
            long connected = System.nanoTime();
            link.out().write(REQUEST);
            link.out().flush();
            int reply = link.in().read();
            long replied = System.nanoTime();
            if (reply != 1) {
                throw server.withFailures(new IOException(path.name() + ": the 1-byte reply did not arrive (read " + reply + ")"));
            }
            return new Connect(connected - start, replied - start);
        } finally {
            server.closeLater(link);
        }
    }

    /**
     * Moves {@code bytes} of seeded random bytes to the server over a new connection; with a
     * {@code stall} other than zero, the path loses everything from {@code stallAfter} into the
     * transfer for that long, then comes back.
     */
    Bulk bulk(long bytes, long seed, Duration stallAfter, Duration stall) throws IOException {
        Link link = path.connect();
        ScheduledExecutorService stalls = Executors.newSingleThreadScheduledExecutor(task -> PathServer.daemon(task, "sim-stall"));
        try {
            MessageDigest sent = sha256();
            DataOutputStream out = new DataOutputStream(link.out());
            out.write(BULK);
            out.writeLong(bytes);
            long start = System.nanoTime();
            restored = false;
            firstReadAfterRestoreNanos = -1;
            if (!stall.isZero()) {
                stalls.schedule(() -> path.setConditions(conditions.withFragmentLossPercent(100)), stallAfter.toNanos(), TimeUnit.NANOSECONDS);
                stalls.schedule(this::restore, stallAfter.plus(stall).toNanos(), TimeUnit.NANOSECONDS);
            }
            Random random = new Random(seed);
            byte[] chunk = new byte[writeBytes];
            for (long left = bytes; left > 0; left -= writeBytes) {
                int n = (int) Math.min(writeBytes, left);
                random.nextBytes(chunk);
                sent.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
            out.flush();
            byte[] received = new byte[32];
            try {
                new DataInputStream(link.in()).readFully(received);
            } catch (IOException e) {
                throw server.withFailures(e);
            }
            long nanos = System.nanoTime() - start;
            long resume = firstReadAfterRestoreNanos < 0 ? -1 : firstReadAfterRestoreNanos - restoredAtNanos;
            return new Bulk(bytes, nanos, Arrays.equals(sent.digest(), received), resume);
        } finally {
            stalls.shutdownNow();
            path.setConditions(conditions);
            server.closeLater(link);
        }
    }

    private void restore() {
        path.setConditions(conditions);
        restoredAtNanos = System.nanoTime();
        restored = true;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void serve(Link link) throws IOException {
        InputStream in = link.in();
        int command = in.read();
        if (command == REQUEST) {
            link.out().write(1);
            link.out().flush();
        } else if (command == BULK) {
            long bytes = new DataInputStream(in).readLong();
            MessageDigest received = sha256();
            byte[] buffer = new byte[64 * 1024];
            for (long left = bytes; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException((bytes - left) + " of " + bytes + " bytes arrived before the end of the stream");
                }
                if (restored && firstReadAfterRestoreNanos < 0) {
                    firstReadAfterRestoreNanos = System.nanoTime();
                }
                received.update(buffer, 0, n);
                left -= n;
            }
            link.out().write(received.digest());
            link.out().flush();
        } else {
            throw new IOException("unknown command " + command);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
