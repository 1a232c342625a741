package org.ministreaming.cli;

import java.io.IOException;

/**
 * An I/O failure with an exit code of its own from {@link ExitCodes}, such as
 * {@link ExitCodes#CANNOT_LISTEN} or {@link ExitCodes#UNREACHABLE}; {@link ErrorReporter} prints
 * its message in one line and exits with that code.
 *
 * <p>Immutable apart from what {@link Throwable} allows; thread-safe to throw and read.
 */
final class CommandFailure extends IOException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * A failure.
     *
     * @param exitCode the code to exit with
     * @param message the one line to print, without the {@code ministreaming: } prefix
     * @param cause what went wrong underneath, shown with {@code --verbose}
     */
    CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The code to exit with. */
    int exitCode() {
        return exitCode;
    }
}
