package org.ministreaming.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of the command, with its output captured.
 *
 * @param exitCode what the command returned
 * @param out what it printed on its output writer
 * @param err what it printed on its error writer
 */
record Run(int exitCode, String out, String err) {

    /** Runs {@code Main.commandLine()} with {@code args}. */
    static Run of(String... args) {
        return of(Main.commandLine(), args);
    }

    /** Runs {@code commandLine} with {@code args}. */
    static Run of(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString().replace("\r\n", "\n"), err.toString());
    }
}
