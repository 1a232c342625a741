package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.ministreaming.StreamOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the commands that talk over the network share: a {@link Lifetime} that SIGINT, SIGTERM
 * or {@link #stop} ends, stream options that honour {@code --trace}, and one-line reports on the
 * error writer.
 *
 * <p>While such a command runs, the core library logs as {@link CoreLogging} says.
 *
 * <p>Thread-safe as far as {@link #stop} goes, which any thread may call while picocli runs the
 * command on another; the rest is used by that run only.
 */
abstract class NetworkCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ReceiveOptions receive;

    private final Lifetime lifetime = new Lifetime();

    /**
     * Runs the command until it is done or stopped. A failure caused by a stop is no failure:
     * the command then exits with {@link ExitCodes#OK}.
     */
    @Override
    public final Integer call() throws IOException {
        CoreLogging.configure(main().verbose());
        lifetime.begin(spec.name());
        try {
            return run(lifetime);
        } catch (IOException e) {
            if (lifetime.stopRequested()) {
                return ExitCodes.OK;
            }
            throw e;
        } finally {
            lifetime.end();
        }
    }

    /**
     * The command's work. Whatever it {@linkplain Lifetime#own owns} is closed when it returns.
     *
     * @return the exit code
     * @throws IOException if it failed; also when it was stopped, which {@link #call} forgives
     */
    abstract int run(Lifetime lifetime) throws IOException;

    /**
     * Stops the command from any thread, as SIGINT does: closes what it owns, so that it returns.
     * Returns when everything is closed. Meant for tests and for the shutdown hook.
     */
    void stop() {
        lifetime.stop();
    }

    /**
     * Options for the command's manager: the defaults with the {@link ReceiveOptions} given, plus
     * with {@code --trace} a {@link TracePrinter} on the error writer, owned by the lifetime.
     *
     * @throws IOException if the command is stopping already
     * @throws picocli.CommandLine.ParameterException if a receive option is out of range
     */
    StreamOptions.Builder streamOptions() throws IOException {
        StreamOptions.Builder options = receive.applyTo(StreamOptions.builder());
        if (main().trace()) {
            options.messageListener(lifetime.own(new TracePrinter(err())));
        }
        return options;
    }

    /** The output writer. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The error writer. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Prints {@code ministreaming: <line>} on the error writer, I2P destinations in it by their
     * {@code .b32.i2p} name; any thread may call it.
     */
    void report(String line) {
        PrintWriter err = err();
        err.println("ministreaming: " + DestinationNames.shorten(line));
        err.flush();
    }

    /** Prints one line on {@code writer} and flushes it, for scripts that wait for it. */
    static void announce(PrintWriter writer, String line) {
        writer.println(line);
        writer.flush();
    }

    private Main main() {
        return (Main) spec.root().userObject();
    }
}
