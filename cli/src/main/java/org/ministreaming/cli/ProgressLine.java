package org.ministreaming.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A progress line on the error writer, rewritten in place with a carriage return at most ten
 * times a second, when a person watches ({@link #interactive}); otherwise (the error stream goes
 * to a file or a pipe) one line once the work is done, with no carriage returns. A log record
 * written meanwhile ({@link CoreLogging}) starts on a line of its own, and the progress goes on
 * below it.
 *
 * <p>Not thread-safe: update it from one thread.
 */
final class ProgressLine implements LongConsumer {

    /** Held while writing a progress line or a log record, so that they do not share a line. */
    static final Object CONSOLE = new Object();

    private static final long INTERVAL_NANOS = 100_000_000L;

    /** Where a progress line was written and not ended, or {@code null}; guarded by {@link #CONSOLE}. */
    private static PrintWriter midLine;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final boolean inPlace;
    private long lastShown;
    private long lastDone;
    private boolean shown;

    /**
     * A progress line, not shown until the first update.
     *
     * @param err where it goes
     * @param label what is progressing, for example {@code transfer}
     * @param total bytes when done
     * @param inPlace whether to rewrite it as it goes ({@link #interactive}), or write it once done
     */
    ProgressLine(PrintWriter err, String label, long total, boolean inPlace) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.inPlace = inPlace;
    }

    /**
     * Whether a person may be watching: the JVM has a console (standard input and output are a
     * terminal). The JDK cannot tell whether the error stream alone is one.
     */
    static boolean interactive() {
        return System.console() != null;
    }

    /** Shows {@code done} bytes, unless it shows them already or was rewritten very recently. */
    @Override
    public void accept(long done) {
        long now = System.nanoTime();
        if (!inPlace && done < total) {
            return;
        }
        if (shown && (done == lastDone || now - lastShown < INTERVAL_NANOS && done < total)) {
            return;
        }
        lastShown = now;
        lastDone = done;
        shown = true;
        synchronized (CONSOLE) {
            err.printf(Locale.ROOT, inPlace ? "\r%s: %s of %s %s (%d%%)" : "%s: %s of %s %s (%d%%)", label, ByteSize.number(done, total),
                    ByteSize.number(total, total), ByteSize.unit(total), done * 100 / total);
            err.flush();
            midLine = err;
        }
    }

    /** Ends the line, if it was shown. */
    void finish() {
        if (shown) {
            synchronized (CONSOLE) {
                if (midLine == err) {
                    breakLine();
                }
            }
            shown = false;
        }
    }

    /**
     * Ends a progress line that is shown and not ended, if any, on the writer it was written to,
     * so that what comes next starts a line of its own. Call holding {@link #CONSOLE}.
     */
    static void breakLine() {
        if (midLine != null) {
            midLine.println();
            midLine.flush();
            midLine = null;
        }
    }
}
