package org.ministreaming.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.ministreaming.transport.i2cp.I2cpTransport;

/**
 * How the core library logs while a command runs: warnings only, or informational records too
 * with {@code --verbose} (the library logs peers coming and going at the informational level,
 * which on a command line is noise among the one-line errors); and every record in one line on
 * the standard error, like the command's own errors ({@code ministreaming: warning: ...}), where
 * the JDK's default format takes two, with the date and the logging class.
 *
 * <p>A record logged while a {@link ProgressLine} is shown starts on a line of its own.
 *
 * <p>The one exception to the level is the I2CP transport's logger, always at the informational
 * level: its one informational record says that a lost session with the router is back, the end
 * of what its warning about the loss began.
 *
 * <p>Thread-safe.
 */
final class CoreLogging {

    /** Held so that the level set on it stays: the logging framework keeps loggers weakly. */
    private static final Logger CORE = Logger.getLogger("org.ministreaming");
    private static final Logger ROOT = Logger.getLogger("");
    private static final OneLineHandler HANDLER = new OneLineHandler();
    /** Formats a record's message with its parameters, as the JDK's formatters do. */
    private static final Formatter FORMATTER = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };
    /** Where the I2CP transport says that its session was lost (a warning) and is back (informational). */
    private static final Logger I2CP_SESSION = Logger.getLogger(I2cpTransport.class.getName());

    private CoreLogging() {
    }

    /**
     * Sets the level of the library's loggers, and has every logger of the process write one
     * line per record to the standard error.
     *
     * @param verbose whether {@code --verbose} was given; then records that carry an exception
     *     print its stack trace too
     */
    static void configure(boolean verbose) {
        CORE.setLevel(verbose ? Level.INFO : Level.WARNING);
        I2CP_SESSION.setLevel(Level.INFO);
        HANDLER.verbose = verbose;
        synchronized (ROOT) {
            for (Handler handler : ROOT.getHandlers()) {
                if (handler != HANDLER) {
                    ROOT.removeHandler(handler);
                }
            }
            if (ROOT.getHandlers().length == 0) {
                ROOT.addHandler(HANDLER);
            }
        }
    }

    /**
     * One record as a line: {@code ministreaming: LEVEL: message}, the level in lower case, a
     * receive limit named by its command-line option ({@link Reasons#withOptions}), and
     * the message of the record's exception after a colon, or with {@code --verbose} its stack
     * trace on the lines after.
     *
     * @param record the record
     * @param verbose whether to add the stack trace
     * @return the text to print, ending in a line separator
     */
    static String line(LogRecord record, boolean verbose) {
        StringBuilder line = new StringBuilder("ministreaming: ")
                .append(record.getLevel().getName().toLowerCase(Locale.ROOT)).append(": ")
                .append(Reasons.withOptions(FORMATTER.formatMessage(record)));
        Throwable thrown = record.getThrown();
        if (thrown != null && !verbose && thrown.getMessage() != null
                && !line.toString().contains(thrown.getMessage())) {
            line.append(": ").append(thrown.getMessage());
        }
        line.append(System.lineSeparator());
        if (thrown != null && verbose) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    /** Writes {@link #line}s to the standard error of the moment. */
    private static final class OneLineHandler extends Handler {

        private volatile boolean verbose;

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String text = line(record, verbose);
            PrintStream err = System.err;
            synchronized (ProgressLine.CONSOLE) {
                ProgressLine.breakLine();
                err.print(text);
                err.flush();
            }
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
