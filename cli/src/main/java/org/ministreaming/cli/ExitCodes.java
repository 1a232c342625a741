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
    /** A command could not listen where it was told: the port is in use, or the address is not local. */
    static final int CANNOT_LISTEN = 5;
    /** The peer refused the connection or could not be reached (or, for TLS, did not match the pin). */
    static final int UNREACHABLE = 6;
    /** The transport is unavailable: no I2P router answered at the I2CP address, or it would not open the session. */
    static final int TRANSPORT_UNAVAILABLE = 7;
    /** An I2P name ({@code i2p:NAME.b32.i2p} or {@code i2p:HOST.i2p}) is unknown to the router. */
    static final int UNKNOWN_NAME = 9;
    /** The JVM ran out of memory, in any thread: the process ends at once, for a supervisor to restart it. */
    static final int OUT_OF_MEMORY = 8;

    private ExitCodes() {
    }
}
