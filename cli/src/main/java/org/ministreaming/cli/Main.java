package org.ministreaming.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ministreaming} command: global options and the list of subcommands.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "ministreaming",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "I2P's ministreaming protocol: reliable byte streams over a message transport.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":everything worked",
            ExitCodes.FAILURE + ":a check failed, or an unexpected error",
            ExitCodes.USAGE + ":the command line is wrong",
            ExitCodes.IO_ERROR + ":input or output failed",
            ExitCodes.MALFORMED_INPUT + ":trace: a line of the input was no valid message",
            ExitCodes.CANNOT_LISTEN + ":cannot listen: the port is in use or the address is not local",
            ExitCodes.UNREACHABLE + ":the peer refused the connection or could not be reached",
            ExitCodes.TRANSPORT_UNAVAILABLE + ":the I2P router could not be reached, would not open the session, or did not build"
                    + " its tunnels in time",
            ExitCodes.OUT_OF_MEMORY + ":out of memory, in any thread: the process ends at once (so that a supervisor restarts it)",
            ExitCodes.UNKNOWN_NAME + ":the I2P router does not know the i2p: name (NAME.b32.i2p or HOST.i2p) to dial",
            "130:stopped by SIGINT (143: by SIGTERM), after closing every connection"},
        subcommands = {
            DemoCommand.class,
            ServerCommand.class,
            ClientCommand.class,
            ListenCommand.class,
            ConnectCommand.class,
            KeygenCommand.class,
            RouterCommand.class,
            TraceCommand.class,
            BenchCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces with errors.")
    private boolean verbose;

    @Option(names = "--trace", scope = ScopeType.INHERIT,
            description = "server, client, listen and connect: print every message sent and received on the error output,"
                    + " one line each, after the peer's destination.")
    private boolean trace;

    @Spec
    private CommandSpec spec;

    /** A command for picocli to fill in; {@link #commandLine()} adds the error handling. */
    public Main() {
    }

    /**
     * Runs the command and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        FatalErrors.install();
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println(FatalErrors.outOfMemory(Thread.currentThread()));
            Runtime.getRuntime().halt(ExitCodes.OUT_OF_MEMORY);
            return;
        }
        System.exit(code);
    }

    /**
     * The command line as {@link #main} runs it: one-line errors on its error writer and the exit
     * codes of {@link ExitCodes}.
     *
     * @return a new command line; set its writers before {@code execute} to capture the output
     */
    public static CommandLine commandLine() {
        Main main = new Main();
        ErrorReporter errors = new ErrorReporter(() -> main.verbose);
        return new CommandLine(main)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    /** Whether {@code --verbose} was given. */
    boolean verbose() {
        return verbose;
    }

    /** Whether {@code --trace} was given. */
    boolean trace() {
        return trace;
    }

    /**
     * Refuses {@code --trace} on a command that has no messages of its own to trace, so that it
     * is never taken and ignored.
     *
     * @param spec the command's spec
     * @param why why it has none, for the error
     * @throws ParameterException if {@code --trace} was given
     */
    static void refuseTrace(CommandSpec spec, String why) {
        if (((Main) spec.root().userObject()).trace()) {
            throw new ParameterException(spec.commandLine(), why + "; --trace is for server, client, listen and connect");
        }
    }

    /** Without a subcommand there is nothing to do: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command, such as 'demo'");
    }
}
