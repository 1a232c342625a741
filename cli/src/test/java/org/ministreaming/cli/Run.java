package org.ministreaming.cli;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;

/**
 * One in-process run of the command to its end, with its output captured.
 *
 * @param exitCode what the command returned
 * @param out what it printed on its output writer
 * @param err what it printed on its error writer
 */
record Run(int exitCode, String out, String err) {

    /** How long a command run to its end may take; the test classes' own timeouts are shorter. */
    private static final Duration LIMIT = Duration.ofMinutes(5);

    /** Runs {@code Main.commandLine()} with {@code args}. */
    static Run of(String... args) {
        return of(Main.commandLine(), args);
    }

    /** Runs {@code commandLine} with {@code args}. */
    static Run of(CommandLine commandLine, String... args) {
        try (Cli cli = Cli.start(commandLine, args)) {
            int exitCode = cli.awaitExit(LIMIT);
            return new Run(exitCode, cli.out.text().replace("\r\n", "\n"), cli.err.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the command ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the command threw", e.getCause());
        }
    }
}
