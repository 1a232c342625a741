package org.ministreaming.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The threads that serve every tunnelled connection of one tunnel command, however many there
 * are: one selector thread ({@code ministreaming-<name>-selector}) watches the TCP sides, a few
 * workers ({@code ministreaming-<name>-N}, at most {@value #WORKERS}) copy the bytes, started by
 * the selector or by the streams' readiness callbacks, and one timer thread
 * ({@code ministreaming-<name>-watchdog}) runs the deadlines. So a connection holds no thread
 * while it is idle or stalled; workers without work end after {@link #IDLE_WORKER}.
 *
 * <p>A worker may be held up while a transport's queue to one peer is full (a write to a stream
 * waits for that, as any write does), which is why there are several.
 *
 * <p>Thread-safe.
 */
final class TunnelLoop implements AutoCloseable {

    /** Most workers at once. */
    static final int WORKERS = 8;

    /** How long a worker without work waits for some before it ends. */
    static final Duration IDLE_WORKER = Duration.ofSeconds(5);

    /** How long {@link #close} waits for the threads to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(TunnelLoop.class.getName());

    private final String name;
    private final Selector selector;
    private final Thread selecting;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    /**
     * Starts the selector and timer threads.
     *
     * @param name names the threads
     * @throws UncheckedIOException if no selector can be opened
     */
    TunnelLoop(String name) {
        this.name = name;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector: " + Reasons.of(e), e);
        }
        AtomicInteger count = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, IDLE_WORKER.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> daemon(runnable, "ministreaming-" + name + "-" + count.incrementAndGet()));
        this.workers.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> daemon(runnable, "ministreaming-" + name + "-watchdog"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.selecting = daemon(this::select, "ministreaming-" + name + "-selector");
        this.selecting.start();
    }

    private static Thread daemon(Runnable runnable, String threadName) {
        Thread thread = new Thread(runnable, threadName);
        thread.setDaemon(true);
        return thread;
    }

    /** The workers, for the streams' readiness callbacks and for the first steps of a connection. */
    Executor workers() {
        return workers;
    }

    /** The timer, for deadlines. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Watches {@code channel}, which is made non-blocking; {@code ready} is told on a worker which
     * of the operations it {@linkplain #want wants} became ready, each want answered once.
     *
     * @throws IOException if the channel is closed, or the loop is
     */
    SelectionKey register(SocketChannel channel, Consumer<Integer> ready) throws IOException {
        channel.configureBlocking(false);
        try {
            SelectionKey key = channel.register(selector, 0, ready);
            selector.wakeup();
            return key;
        } catch (ClosedSelectorException e) {
            throw new IOException("the " + name + " tunnel is stopping", e);
        }
    }

    /**
     * Asks to be told once when {@code ops} ({@link SelectionKey#OP_READ} or
     * {@link SelectionKey#OP_WRITE}) become ready on the channel of {@code key}. Nothing happens
     * if the channel was closed meanwhile.
     */
    void want(SelectionKey key, int ops) {
        try {
            key.interestOpsOr(ops);
            selector.wakeup();
        } catch (CancelledKeyException closedMeanwhile) {
            // The connection is closing; nobody waits for this any more.
        }
    }

    /** Lets the selector release what closed channels still hold, at once rather than at its next wake-up. */
    void wakeup() {
        selector.wakeup();
    }

    /** The selector thread: hands each readiness to a worker; an error in one turn is logged, and the loop goes on. */
    private void select() {
        while (!closed) {
            try {
                selector.select(this::dispatch);
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "the " + name + " tunnel's selector failed; it goes on", e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void dispatch(SelectionKey key) {
        try {
            int ready = key.readyOps();
            key.interestOpsAnd(~ready);
            Consumer<Integer> handler = (Consumer<Integer>) key.attachment();
            workers.execute(() -> handler.accept(ready));
        } catch (CancelledKeyException | RejectedExecutionException closing) {
            // The connection or the loop is closing: nobody waits for this any more.
        }
    }

    /**
     * Stops the threads and waits for them to end; close the connections first. Idempotent.
     *
     * @throws IllegalStateException if a thread did not end in time
     */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        timer.shutdownNow();
        workers.shutdown();
        boolean ended;
        try {
            selecting.join(STOP_TIMEOUT.toMillis());
            ended = !selecting.isAlive()
                    && workers.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    && timer.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                // Closing a selector fails only if it is broken already; it is closed either way.
            }
        }
        if (!ended) {
            throw new IllegalStateException("the " + name + " tunnel's threads did not end within " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }
}
