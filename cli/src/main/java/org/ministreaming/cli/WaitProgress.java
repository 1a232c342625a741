package org.ministreaming.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Says on the error writer what a command is waiting for, when the wait is long enough for a
 * person to wonder: a first line after a grace period, then one every interval until the wait
 * ends. A wait shorter than the grace prints nothing. A thread of its own
 * ({@code ministreaming-wait-progress}) prints, and {@link #close} stops it.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread, once or more.
 */
final class WaitProgress implements AutoCloseable {

    /** How long a wait stays silent. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** How often a long wait says it still waits. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final PrintWriter err;
    private final String what;
    private final Duration limit;
    private final long started = System.nanoTime();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread printer;

    private WaitProgress(PrintWriter err, String what, Duration limit) {
        this.err = err;
        this.what = what;
        this.limit = limit;
        this.printer = new Thread(this::run, "ministreaming-wait-progress");
        printer.setDaemon(true);
    }

    /**
     * Starts saying what is waited for.
     *
     * @param err where the lines go
     * @param what what is waited for, completing "waiting for ...", such as
     *     {@code the I2P router at 127.0.0.1:7654 to build tunnels}
     * @param limit when the wait gives up, for the first line
     * @return the progress, to close when the wait ends
     */
    static WaitProgress start(PrintWriter err, String what, Duration limit) {
        WaitProgress progress = new WaitProgress(err, what, limit);
        progress.printer.start();
        return progress;
    }

    /** Ends the progress; returns once nothing more is printed. Idempotent. */
    @Override
    public void close() {
        done.countDown();
        boolean interrupted = false;
        while (printer.isAlive()) {
            try {
                printer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            if (done.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            line("waiting for " + what + " (giving up after " + limit.toSeconds() + " s)");
            while (!done.await(INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                line("still waiting for " + what + ": " + elapsedSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long elapsedSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }

    private void line(String text) {
        err.println("ministreaming: " + text);
        err.flush();
    }
}
