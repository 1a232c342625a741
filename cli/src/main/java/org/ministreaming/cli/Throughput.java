package org.ministreaming.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * Times one-way bulk transfers over a number of concurrent streams, on one of two paths: the
 * ministreaming TCP transport between two managers in this process, or raw TCP socket pairs.
 * Both paths send the same data the same way, so that their throughputs compare.
 *
 * <p><b>Data.</b> {@link Data} is a period of seeded random bytes made once, before any timing;
 * each stream sends it over and over, starting at offset 0, in writes of the chunk size. Nothing
 * is generated or hashed while the clock runs. Receivers count the bytes and check the end of
 * stream; with verification on, they also compare every byte read with the byte expected at that
 * offset of the stream (a vectorised {@link Arrays#mismatch}, on both paths alike, inside the
 * timing).
 *
 * <p><b>Timing.</b> The connections are opened first. The clock starts when the senders are
 * released together and stops when the last receiver has seen the end of its stream, so it
 * covers every byte and the closes, and nothing of the set-up.
 *
 * <p>Not thread-safe: run transfers from one thread; each runs a sender and a receiver thread per
 * stream, all stopped before {@link #transfer} returns.
 */
final class Throughput {

    /** How long connecting, and any one read or write, may take before the run fails. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private Throughput() {
    }

    /**
     * The bytes every stream sends: a period of random bytes repeated, stored with enough of its
     * start repeated after it that any write or comparison of up to {@code chunk} bytes is one
     * contiguous range of {@link #bytes}.
     *
     * @param bytes the period followed by its first {@code chunk} bytes, cyclically
     * @param period the length of the period
     */
    record Data(byte[] bytes, int period) {

        /** Default period: 1 MiB. */
        static final int PERIOD = 1 << 20;

        /**
         * Makes the data.
         *
         * @param chunk the largest write or read, at least 1
         * @param seed the random seed
         */
        static Data of(int chunk, long seed) {
            byte[] base = new byte[PERIOD];
            new SplittableRandom(seed).nextBytes(base);
            byte[] bytes = new byte[Math.addExact(PERIOD, chunk)];
            for (int at = 0; at < bytes.length; at += PERIOD) {
                System.arraycopy(base, 0, bytes, at, Math.min(PERIOD, bytes.length - at));
            }
            return new Data(bytes, PERIOD);
        }

        /** Where the byte at {@code position} of a stream sits in {@link #bytes}. */
        int offset(long position) {
            return (int) (position % period);
        }
    }

    /**
     * One stream of a path, connected: the sender writes to {@code out} and then closes
     * {@code senderEnd}; the receiver reads {@code in} to its end and closes {@code receiverEnd}.
     */
    record Stream(OutputStream out, InputStream in, Closeable senderEnd, Closeable receiverEnd) {

        void closeQuietly() {
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

    /** A way to carry streams, open for several transfers; {@link #close} releases it. */
    interface Path extends Closeable {

        /** Its name in the output. */
        String name();

        /**
         * Opens streams.
         *
         * @param count how many
         * @return connected streams, each ready to send one way
         * @throws IOException if connecting failed
         */
        List<Stream> open(int count) throws IOException;
    }

    /**
     * What a transfer did.
     *
     * @param bytes bytes the receivers read, together
     * @param nanos from releasing the senders until the last receiver saw its end of stream
     * @param cpuNanos CPU time the whole process used meanwhile, user and system, or -1 if unknown
     */
    record Result(long bytes, long nanos, long cpuNanos) {

        /** The duration in seconds. */
        double seconds() {
            return nanos / 1e9;
        }

        /** Throughput in MiB per second. */
        double mebibytesPerSecond() {
            return ByteSize.mebibytes(bytes) / Math.max(seconds(), 1e-9);
        }
    }

    /** A received stream that differs from what was sent. */
    static final class MismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code size} bytes spread over {@code streams} streams of {@code path}, the first
     * streams taking one byte more when it does not divide evenly.
     *
     * @param chunk bytes per write and the largest read
     * @param verify whether receivers compare every byte with the data sent
     * @param progress told the bytes received so far, on the calling thread, every 100 ms or so
     * @throws MismatchException if verification found a byte that differs, or a stream's length
     *     differs from what was sent
     * @throws IOException if connecting, sending or receiving failed or stalled
     */
    static Result transfer(Path path, long size, int streams, int chunk, Data data, boolean verify,
            LongConsumer progress) throws IOException {
        List<Stream> opened = path.open(streams);
        AtomicLong[] received = new AtomicLong[streams];
        ExecutorService threads = Executors.newFixedThreadPool(2 * streams, named("bench-" + path.name().replace(' ', '-')));
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
            stop(threads);
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
            throw asIoException(e.getCause());
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

    private static IOException asIoException(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
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

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void stop(ExecutorService threads) {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("benchmark threads did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the two paths

    /**
     * Ministreaming over the TCP transport: a listening manager and a client manager in this
     * process, on 127.0.0.1, one link between them carrying every stream.
     */
    static final class Ministreaming implements Path {

        private final StreamManager server;
        private final StreamManager client;
        private final StreamServerSocket listening;

        /**
         * Starts both managers.
         *
         * @param base the managers' options, such as the flow-control window; the timeouts are set here
         */
        Ministreaming(StreamOptions.Builder base) throws IOException {
            StreamOptions options = base
                    .connectTimeout(STALL_TIMEOUT).acceptTimeout(STALL_TIMEOUT)
                    .readTimeout(STALL_TIMEOUT).writeTimeout(STALL_TIMEOUT).build();
            server = StreamManager.open(TcpTransport.plain().listen("tcp://127.0.0.1:0").build(), options);
            StreamManager opened = null;
            try {
                opened = StreamManager.open(TcpTransport.plain().build(), options);
                listening = server.serverSocket();
            } catch (IOException | RuntimeException e) {
                if (opened != null) {
                    opened.close();
                }
                server.close();
                throw e;
            }
            client = opened;
        }

        @Override
        public String name() {
            return "ministreaming";
        }

        @Override
        public List<Stream> open(int count) throws IOException {
            ExecutorService acceptor = Executors.newSingleThreadExecutor(named("bench-accept"));
            List<StreamSocket> clients = new ArrayList<>();
            try {
                Future<List<StreamSocket>> accepted = acceptor.submit(() -> {
                    List<StreamSocket> sockets = new ArrayList<>();
                    try {
                        for (int i = 0; i < count; i++) {
                            sockets.add(listening.accept(STALL_TIMEOUT));
                        }
                    } catch (IOException e) {
                        sockets.forEach(StreamSocket::close);
                        throw e;
                    }
                    return sockets;
                });
                for (int i = 0; i < count; i++) {
                    clients.add(client.connect(server.localDestination()));
                }
                List<StreamSocket> servers = accepted.get(STALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                List<Stream> streams = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    StreamSocket from = clients.get(i);
                    StreamSocket to = servers.get(i);
                    streams.add(new Stream(from.getOutputStream(), to.getInputStream(), from::close, to::close));
                }
                return streams;
            } catch (IOException | RuntimeException e) {
                clients.forEach(StreamSocket::close);
                throw e;
            } catch (ExecutionException e) {
                clients.forEach(StreamSocket::close);
                throw asIoException(e.getCause());
            } catch (TimeoutException e) {
                clients.forEach(StreamSocket::close);
                throw new IOException("accepting " + count + " streams took longer than " + STALL_TIMEOUT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clients.forEach(StreamSocket::close);
                throw new InterruptedIOException("interrupted while connecting");
            } finally {
                stop(acceptor);
            }
        }

        @Override
        public void close() {
            try (server) {
                client.close();
            }
        }
    }

    /** Raw TCP: {@code java.net.Socket} pairs on 127.0.0.1, with {@code TCP_NODELAY} as the transport's links. */
    static final class RawTcp implements Path {

        private final ServerSocket server;

        RawTcp() throws IOException {
            server = new ServerSocket();
            try {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                server.setSoTimeout((int) STALL_TIMEOUT.toMillis());
            } catch (IOException e) {
                server.close();
                throw e;
            }
        }

        @Override
        public String name() {
            return "raw TCP";
        }

        @Override
        public List<Stream> open(int count) throws IOException {
            List<Socket> sockets = new ArrayList<>();
            try {
                List<Stream> streams = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Socket from = new Socket();
                    sockets.add(from);
                    from.connect(server.getLocalSocketAddress(), (int) STALL_TIMEOUT.toMillis());
                    Socket to = server.accept();
                    sockets.add(to);
                    from.setTcpNoDelay(true);
                    to.setTcpNoDelay(true);
                    to.setSoTimeout((int) STALL_TIMEOUT.toMillis());
                    streams.add(new Stream(from.getOutputStream(), to.getInputStream(), from, to));
                }
                return streams;
            } catch (IOException e) {
                for (Socket socket : sockets) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing what failed to connect
                    }
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
