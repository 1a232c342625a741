package org.ministreaming.cli;

import picocli.CommandLine;

/**
 * The exit codes of the {@code ministreaming} command, in one place.
 *
 * <p>Constants only; thread-safe.
 */
final class ExitCodes {

    /** Everything worked and every check passed. */
    static final int OK = 0;
    /** A check failed (a trace or a hash did not match), or an unexpected error happened. */
    static final int FAILURE = 1;
    /** The command line was wrong; picocli's own code for invalid input. */
    static final int USAGE = CommandLine.ExitCode.USAGE;
    /** Input or output failed: a connection, a transport or a file. */
    static final int IO_ERROR = 3;
    /** {@code trace}: at least one line of the input was no valid message. */
    static final int MALFORMED_INPUT = 4;

    private ExitCodes() {
    }
}
