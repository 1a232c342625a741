package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns errors into one line {@code ministreaming: <message>} on the command's error writer and
 * an exit code from {@link ExitCodes}; stack traces appear only with {@code --verbose}.
 *
 * <p>Stateless apart from the verbosity source; thread-safe if that is.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private static final String PREFIX = "ministreaming: ";

    private final BooleanSupplier verbose;

    /**
     * An error reporter.
     *
     * @param verbose whether {@code --verbose} was given, asked when an error happens
     */
    ErrorReporter(BooleanSupplier verbose) {
        this.verbose = verbose;
    }

    /** Reports a usage error in one line, with a pointer to the command's help. */
    @Override
    public int handleParseException(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        StringBuilder line = new StringBuilder(PREFIX).append(error.getMessage());
        if (error instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
            }
        }
        line.append(" (see '").append(command.getCommandSpec().qualifiedName()).append(" --help')");
        PrintWriter err = command.getErr();
        err.println(line);
        if (verbose.getAsBoolean()) {
            error.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Reports a failed command in one line, I2P destinations in it by their {@code .b32.i2p}
     * name: a {@link CommandFailure} exits with its own code, other I/O errors with
     * {@link ExitCodes#IO_ERROR}.
     */
    @Override
    public int handleExecutionException(Exception error, CommandLine command, ParseResult parseResult) {
        if (FatalErrors.isOutOfMemory(error)) {
            command.getErr().println(FatalErrors.outOfMemory(Thread.currentThread()));
            command.getErr().flush();
            return ExitCodes.OUT_OF_MEMORY;
        }
        PrintWriter err = command.getErr();
        err.println(PREFIX + DestinationNames.shorten(Reasons.of(error)));
        if (verbose.getAsBoolean()) {
            error.printStackTrace(err);
        }
        err.flush();
        if (error instanceof CommandFailure failure) {
            return failure.exitCode();
        }
        return error instanceof IOException || error instanceof UncheckedIOException
                ? ExitCodes.IO_ERROR : ExitCodes.FAILURE;
    }
}
