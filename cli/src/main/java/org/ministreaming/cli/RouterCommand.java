package org.ministreaming.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ministreaming router}: runs a {@link PrivateRouter} in this process until SIGINT or
 * SIGTERM (or, with the hidden {@code --stop-at-end-of-input}, until the standard input ends, as
 * when the demo runs it as a child process), and prints its I2CP address.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "router",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a private I2P router (I2P's own, version 2.7.0) with no network: its sessions reach only each other,"
                    + " through tunnels of zero hops, the only ones it can build, which it gives every session whatever"
                    + " lengths the session asks for. A router to try the I2P commands on, without installing I2P.",
            "Prints its I2CP address, HOST:PORT, on the standard output once it answers there, and how to use it on the"
                    + " standard error (what the router itself prints goes to output.txt in its directory); runs until stopped (Ctrl-C). Names for i2p:HOST.i2p go in router/hosts.txt in its directory,"
                    + " one NAME.i2p=<Base64 destination> a line.",
            "Exits with 5 if the port is in use."},
        footer = {"", "Example:", "  ministreaming router &",
            "  ministreaming listen --i2cp 127.0.0.1:7654"})
final class RouterCommand implements Callable<Integer> {

    /** How long the router may take to answer on its I2CP port. */
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7654",
            description = "The I2CP port, on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}, I2P's usual.")
    private int port;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where the router keeps its files, kept after it stops (so it keeps its identity and address book)."
                    + " Default: a temporary directory, deleted when it stops.")
    private Path dir;

    @Option(names = "--stop-at-end-of-input", hidden = true,
            description = "Stop when the standard input ends: for a parent process that runs the router as its child.")
    private boolean stopAtEndOfInput;

    @Spec
    private CommandSpec spec;

    /** Starts the router, prints its address and runs until stopped. */
    @Override
    public Integer call() throws IOException {
        Main.refuseTrace(spec, "the router carries no ministreaming messages of its own");
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0-65535: " + port);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Lifetime lifetime = new Lifetime();
        lifetime.begin(spec.name());
        try {
            CountDownLatch stopped = new CountDownLatch(1);
            lifetime.own(stopped::countDown);
            PrivateRouter router;
            try (WaitProgress progress = WaitProgress.start(err, "the private I2P router to start", START_LIMIT)) {
                router = lifetime.own(PrivateRouter.start(port, dir, START_LIMIT));
            } catch (BindException e) {
                throw new CommandFailure(ExitCodes.CANNOT_LISTEN, e.getMessage(), e);
            }
            if (Thread.getDefaultUncaughtExceptionHandler() instanceof FatalErrors) {
                // Again, now that System.err is the router's output file: its threads die noisily as it stops.
                FatalErrors.install();
            }
            NetworkCommand.announce(out, router.address().toString());
            NetworkCommand.announce(err, usage(router));
            if (stopAtEndOfInput) {
                Thread watcher = new Thread(() -> {
                    drain(System.in);
                    lifetime.stop();
                }, "ministreaming-router-input");
                watcher.setDaemon(true);
                watcher.start();
            }
            stopped.await();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } finally {
            lifetime.end();
        }
    }

    /** What to tell a person about the running router. */
    static String usage(PrivateRouter router) {
        return "ministreaming: a private I2P router (no network) runs with I2CP at " + router.address()
                + "; give the other commands --i2cp " + router.address() + " (it gives their sessions tunnels of zero hops)"
                + "; names for i2p:HOST.i2p go in " + router.hostsFile() + "; stop it with Ctrl-C";
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ended) {
            // The input is gone either way: stop.
        }
    }
}
