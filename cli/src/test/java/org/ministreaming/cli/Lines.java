package org.ministreaming.cli;

import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A writer that collects what a command prints and lets a test wait, with a bound, for a line
 * matching a pattern. Thread-safe.
 */
final class Lines extends Writer {

    private final StringBuilder all = new StringBuilder();
    private final StringBuilder current = new StringBuilder();
    private final BlockingQueue<String> complete = new LinkedBlockingQueue<>();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
        all.append(chars, offset, length);
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n') {
                complete.add(current.toString());
                current.setLength(0);
            } else if (c != '\r') {
                current.append(c);
            }
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Everything written so far. */
    synchronized String text() {
        return all.toString();
    }

    /**
     * Waits for the next line matching {@code pattern}, skipping the others.
     *
     * @return the match, for its groups
     * @throws AssertionError if no such line came within {@code timeout}
     */
    Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = complete.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line matching " + pattern + " within " + timeout + "; got:\n" + text());
            }
            Matcher matcher = pattern.matcher(line);
            if (matcher.matches()) {
                return matcher;
            }
        }
    }
}
