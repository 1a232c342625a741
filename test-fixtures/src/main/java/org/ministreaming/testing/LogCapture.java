package org.ministreaming.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one logger publishes while it is captured, for tests that check what is logged and
 * at which level. {@link #close} stops the capture. Thread-safe: records may come from any thread.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name) {
        // Held here, so the logger, which the log manager keeps only weakly, outlives the capture.
        this.logger = Logger.getLogger(name);
        logger.addHandler(handler);
    }

    /** Starts capturing what the logger named {@code name} publishes (as {@code System.getLogger(name)} does). */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** The records captured so far, in order; a live view. */
    public List<LogRecord> records() {
        return records;
    }

    /** Stops the capture. Idempotent. */
    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
