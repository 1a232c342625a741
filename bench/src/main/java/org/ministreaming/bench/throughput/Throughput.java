package org.ministreaming.bench.throughput;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Times one-way bulk transfers over a number of concurrent streams of a {@link Path}, such as
 * {@link MinistreamingPath} or {@link RawTcpPath}. Every path sends the same data the same way,
 * so that their throughputs compare.
 *
 * <p><b>Data.</b> {@link Data} is a period of seeded random bytes made once, before any timing;
 * each stream sends it over and over, starting at offset 0, in writes of the chunk size. Nothing
 * is generated or hashed while the clock runs. Receivers count the bytes and check the end of
 * stream; with verification on, they also compare every byte read with the byte expected at that
 * offset of the stream (a vectorised {@link Arrays#mismatch}, on every path alike, inside the
 * timing).
 *
 * <p><b>Timing.</b> The connections are opened first. The clock starts when the senders are
 * released together and stops when the last receiver has seen the end of its stream, so it
 * covers every byte and the closes, and nothing of the set-up.
 *
 * <p>Not thread-safe: run transfers from one thread; each runs a sender and a receiver thread per
 * stream, all stopped before {@link #transfer} returns.
 */
public final class Throughput {

    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(100);

    private Throughput() {
    }

    /**
     * Sends {@code size} bytes spread over {@code streams} streams of {@code path}, the first
     * streams taking one byte more when it does not divide evenly.
     *
     * @param path the streams' path
     * @param size bytes to send, over all streams together
     * @param streams how many streams, at least 1 and at most {@code size}
     * @param chunk bytes per write and the largest read
     * @param data what to send, made with at least {@code chunk}
     * @param verify whether receivers compare every byte with the data sent
     * @param progress told the bytes received so far, on the calling thread, every 100 ms or so
     * @return what the transfer did
     * @throws MismatchException if verification found a byte that differs, or a stream's length
     *     differs from what was sent
     * @throws IOException if connecting, sending or receiving failed or stalled
     */
    public static Result transfer(Path path, long size, int streams, int chunk, Data data, boolean verify,
            LongConsumer progress) throws IOException {
        List<Stream> opened = path.open(streams);
        AtomicLong[] received = new AtomicLong[streams];
        ExecutorService threads = Executors.newFixedThreadPool(2 * streams, Tasks.named("bench-" + path.name().replace(' ', '-')));
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> tasks = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                long share = size / streams + (i < size % streams ? 1 : 0);
                Stream stream = opened.get(i);
                AtomicLong count = new AtomicLong();
                received[i] = count;
                int index = i;
                tasks.add(threads.submit(() -> receive(stream, index, share, chunk, data, verify, count)));
                tasks.add(threads.submit(() -> send(stream, share, chunk, data, start)));
            }
            long cpuBefore = processCpuNanos();
            long began = System.nanoTime();
            start.countDown();
            long ended = awaitAll(tasks, received, progress, opened);
            long cpuAfter = processCpuNanos();
            long total = sum(received);
            progress.accept(total);
            return new Result(total, ended - began, cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore);
        } finally {
            opened.forEach(Stream::closeQuietly);
            Tasks.stop(threads);
        }
    }

    /** Sends a stream's share and closes it; returns when it finished. */
    private static long send(Stream stream, long share, int chunk, Data data, CountDownLatch start) throws IOException {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before sending");
        }
        OutputStream out = stream.out();
        byte[] bytes = data.bytes();
        long position = 0;
        while (position < share) {
            int n = (int) Math.min(chunk, share - position);
            out.write(bytes, data.offset(position), n);
            position += n;
        }
        out.flush();
        stream.senderEnd().close();
        return System.nanoTime();
    }

    /** Reads a stream to its end, counting and perhaps comparing; returns when it saw the end. */
    private static long receive(Stream stream, int index, long share, int chunk, Data data, boolean verify,
            AtomicLong count) throws IOException {
        InputStream in = stream.in();
        byte[] buffer = new byte[chunk];
        byte[] expected = data.bytes();
        long position = 0;
        int n;
        while ((n = in.read(buffer, 0, chunk)) >= 0) {
            if (verify) {
                int offset = data.offset(position);
                int differs = Arrays.mismatch(buffer, 0, n, expected, offset, offset + n);
                if (differs >= 0) {
                    throw new MismatchException("stream " + (index + 1) + ": byte " + (position + differs)
                            + " differs from the byte sent");
                }
            }
            position += n;
            count.set(position);
            if (position > share) {
                throw new MismatchException("stream " + (index + 1) + ": received more than the " + share + " bytes sent");
            }
        }
        long ended = System.nanoTime();
        stream.receiverEnd().close();
        if (position != share) {
            throw new MismatchException("stream " + (index + 1) + ": received " + position + " of " + share + " bytes sent");
        }
        return ended;
    }

    /**
     * Waits for every task, reporting progress meanwhile; on the first failure closes every
     * stream, so that the other tasks end too, and throws it.
     *
     * @return the latest time a task returned
     */
    private static long awaitAll(List<Future<Long>> tasks, AtomicLong[] received, LongConsumer progress,
            List<Stream> opened) throws IOException {
        long latest = Long.MIN_VALUE;
        try {
            for (Future<Long> task : tasks) {
                while (true) {
                    failFast(tasks);
                    try {
                        latest = Math.max(latest, task.get(PROGRESS_INTERVAL.toNanos(), TimeUnit.NANOSECONDS));
                        break;
                    } catch (TimeoutException e) {
                        progress.accept(sum(received));
                    }
                }
            }
            return latest;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opened.forEach(Stream::closeQuietly);
            throw new InterruptedIOException("interrupted while the benchmark ran");
        } catch (ExecutionException e) {
            opened.forEach(Stream::closeQuietly);
            throw Tasks.asIoException(e.getCause());
        }
    }

    /** Throws the failure of a task that has failed, if any. */
    private static void failFast(List<Future<Long>> tasks) throws ExecutionException, InterruptedException {
        for (Future<Long> task : tasks) {
            if (task.isDone()) {
                task.get();
            }
        }
    }

    /** CPU time of the whole process, in nanoseconds, or -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static long sum(AtomicLong[] counts) {
        long total = 0;
        for (AtomicLong count : counts) {
            total += count == null ? 0 : count.get();
        }
        return total;
    }
}
