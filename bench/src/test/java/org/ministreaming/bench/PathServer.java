package org.ministreaming.bench;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The server side of a {@link StreamPath} under measurement: accepts on a thread of its own, which
 * is always waiting in {@code accept()} when the client connects, serves each connection there,
 * one at a time, and closes connections on another thread, outside the timing (closing an I2P
 * streaming socket may take a while). What went wrong on the server is kept, to explain a failure
 * the client sees.
 *
 * <p>Thread-safe.
 */
final class PathServer implements AutoCloseable {

    private static final long STOP_LIMIT_SECONDS = 10;

    /** What the server does with a connection it accepted, before it is closed. */
    @FunctionalInterface
    interface Handler {
        void serve(Link link) throws IOException;
    }

    private final StreamPath path;
    private final Handler handler;
    private final Thread acceptor;
    private final ExecutorService closer;
    private final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private PathServer(StreamPath path, String threadPrefix, Handler handler) {
        this.path = path;
        this.handler = handler;
        this.closer = Executors.newSingleThreadExecutor(task -> daemon(task, threadPrefix + "-close"));
        this.acceptor = daemon(this::acceptLoop, threadPrefix + "-accept");
    }

    /** Starts serving {@code path}'s server side with {@code handler}; closing the server closes the path. */
    static PathServer start(StreamPath path, String threadPrefix, Handler handler) {
        PathServer server = new PathServer(path, threadPrefix, handler);
        server.acceptor.start();
        return server;
    }

    /** Closes {@code link} on the closing thread. */
    void closeLater(Link link) {
        closer.execute(() -> {
            try {
                link.close();
            } catch (IOException e) {
                failures.add(e);
            }
        });
    }

    /** {@code e}, with what went wrong on the server so far attached as suppressed. */
    <E extends Exception> E withFailures(E e) {
        failures.forEach(e::addSuppressed);
        return e;
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

    static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
