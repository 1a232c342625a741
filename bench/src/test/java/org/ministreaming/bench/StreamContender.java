package org.ministreaming.bench;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Measures a {@link StreamPath}. The server side accepts on a thread of its own, which is always
 * waiting in {@code accept()} when the client connects, and serves each connection there, one at
 * a time, as the current measurement says; connections are closed on another thread, outside the
 * timing, since closing an I2P streaming socket may take a while.
 */
final class StreamContender implements Contender {

    private static final long STOP_LIMIT_SECONDS = 10;

    /** What the server does with a connection it accepted, before it is closed. */
    @FunctionalInterface
    private interface Handler {
        void serve(Link link) throws IOException;
    }

    private final StreamPath path;
    private final Thread acceptor;
    private final ExecutorService closer;
    private final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
    private volatile Handler handler = StreamContender::reply;
    private volatile boolean closed;

    private StreamContender(StreamPath path) {
        this.path = path;
        this.closer = Executors.newSingleThreadExecutor(task -> daemon(task, "bench-close"));
        this.acceptor = daemon(this::acceptLoop, "bench-accept");
    }

    /** Starts serving {@code path}'s server side; closing the contender closes the path. */
    static StreamContender start(StreamPath path) {
        StreamContender contender = new StreamContender(path);
        contender.acceptor.start();
        return contender;
    }

    @Override
    public String name() {
        return path.name();
    }

    @Override
    public long connectNanos() throws Exception {
        handler = StreamContender::reply;
        long start = System.nanoTime();
        Link link = path.connect();
        try {
            awaitReply(link);
            return System.nanoTime() - start;
        } finally {
            closeLater(link);
        }
    }

    @Override
    public long transferNanos(long bytes) throws Exception {
        handler = link -> {
            Payload.read(link.in(), bytes);
            reply(link);
        };
        Link link = path.connect();
        try {
            long start = System.nanoTime();
            Payload.write(link.out(), bytes);
            awaitReply(link);
            return System.nanoTime() - start;
        } finally {
            closeLater(link);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        path.close();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(STOP_LIMIT_SECONDS));
            closer.shutdown();
            closer.awaitTermination(STOP_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Link link;
            try {
                link = path.accept();
            } catch (IOException e) {
                if (!closed) {
                    failures.add(e);
                }
                return;
            }
            try {
                handler.serve(link);
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            } finally {
                closeLater(link);
            }
        }
    }

    private void awaitReply(Link link) throws IOException {
        int reply;
        try {
            reply = link.in().read();
        } catch (IOException e) {
            failures.forEach(e::addSuppressed);
            throw e;
        }
        if (reply != 1) {
            IOException missing = new IOException(path.name() + ": the server's 1-byte reply did not arrive (read " + reply + ")");
            failures.forEach(missing::addSuppressed);
            throw missing;
        }
    }

    private void closeLater(Link link) {
        closer.execute(() -> {
            try {
                link.close();
            } catch (IOException e) {
                failures.add(e);
            }
        });
    }

    private static void reply(Link link) throws IOException {
        link.out().write(1);
        link.out().flush();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
