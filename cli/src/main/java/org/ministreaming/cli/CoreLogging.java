package org.ministreaming.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How much the core library logs while a command runs: warnings only, or informational records
 * too with {@code --verbose}. The library logs peers coming and going at the informational
 * level, which on a command line is noise among the one-line errors.
 *
 * <p>Thread-safe.
 */
final class CoreLogging {

    /** Held so that the level set on it stays: the logging framework keeps loggers weakly. */
    private static final Logger CORE = Logger.getLogger("org.ministreaming");

    private CoreLogging() {
    }

    /**
     * Sets the level of the library's loggers.
     *
     * @param verbose whether {@code --verbose} was given
     */
    static void configure(boolean verbose) {
        CORE.setLevel(verbose ? Level.INFO : Level.WARNING);
    }
}
