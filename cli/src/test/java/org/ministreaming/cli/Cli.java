package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The {@code ministreaming} command as a test runs it, with what it prints collected line by
 * line: in this process on a thread of its own ({@link #start}), or as a separate process from
 * the shaded jar ({@link #spawn}). {@link #close} stops a command that still runs and waits for
 * it. {@link Run#of} runs a command to its end with this class.
 */
final class Cli implements AutoCloseable {

    /** How long a command may take to print an awaited line or to exit. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The line a listening command prints, with what peers dial as group 1. */
    static final Pattern LISTENING = Pattern.compile("listening on (\\S+)(?: \\([a-z2-7]{52}\\.b32\\.i2p\\))?");

    final Lines out = new Lines();
    final Lines err = new Lines();
    private final Execution execution;

    /** How the command runs: on a thread of this process, or as a process of its own. */
    private interface Execution {
        /** Waits up to {@code timeout} for the exit code; {@code null} if the command still runs. */
        Integer awaitExit(Duration timeout) throws InterruptedException, ExecutionException;

        /** Asks the command to stop: as SIGINT would in this process, with SIGTERM for a process. */
        void requestStop();

        /** Ends the command if it still runs, and waits until it and its output threads have. */
        void end() throws InterruptedException, ExecutionException;
    }

    private Cli(Redirect in, Redirect redirectOut, List<String> args) throws IOException {
        this.execution = new OwnProcess(in, redirectOut, args, out, err);
    }

    private Cli(CommandLine commandLine, String[] args, Consumer<NetworkCommand> setup) {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        NetworkCommand network = commandLine.getSubcommands().values().stream()
                .filter(sub -> List.of(args).contains(sub.getCommandName()) && sub.getCommand() instanceof NetworkCommand)
                .map(sub -> (NetworkCommand) sub.getCommand())
                .findFirst().orElse(null);
        if (network != null) {
            setup.accept(network);
        }
        this.execution = new InProcess(commandLine, args, network);
    }

    /** Starts {@code ministreaming ARGS} in this process. */
    static Cli start(String... args) {
        return new Cli(Main.commandLine(), args, command -> { });
    }

    /** Like {@link #start(String...)}, setting the network command up before it runs. */
    static Cli start(Consumer<NetworkCommand> setup, String... args) {
        return new Cli(Main.commandLine(), args, setup);
    }

    /** Starts {@code commandLine} with {@code args} in this process. */
    static Cli start(CommandLine commandLine, String... args) {
        return new Cli(commandLine, args, command -> { });
    }

    /** Starts {@code ministreaming ARGS} as a process of its own, with piped input and output. */
    static Cli spawn(String... args) throws IOException {
        return spawn(Redirect.PIPE, Redirect.PIPE, args);
    }

    /** Starts {@code ministreaming ARGS} as a process of its own, with its input and output redirected. */
    static Cli spawn(Redirect in, Redirect out, String... args) throws IOException {
        return new Cli(in, out, List.of(args));
    }

    /** The operating system's process id of a spawned command. */
    long pid() {
        return ((OwnProcess) execution).process.pid();
    }

    /** Waits for {@code listening on X} (over I2P followed by {@code (NAME.b32.i2p)}) on the output and returns X. */
    String listeningOnOut() throws InterruptedException {
        return out.await(LISTENING, TIMEOUT).group(1);
    }

    /** Waits for {@code listening on X} (over I2P followed by {@code (NAME.b32.i2p)}) on the error output and returns X. */
    String listeningOnErr() throws InterruptedException {
        return err.await(LISTENING, TIMEOUT).group(1);
    }

    /** Waits for the command to exit by itself; if it does not within {@link #TIMEOUT}, fails with what it wrote meanwhile. */
    int awaitExit() throws InterruptedException, ExecutionException {
        return awaitExit(TIMEOUT);
    }

    /** Like {@link #awaitExit()}, with a bound of its own. */
    int awaitExit(Duration timeout) throws InterruptedException, ExecutionException {
        Integer code = execution.awaitExit(timeout);
        if (code == null) {
            throw new AssertionError("the command did not exit within " + timeout.toSeconds() + " s; its error output so far:\n"
                    + err.text(), new TimeoutException());
        }
        return code;
    }

    /** Asks the command to stop (SIGINT in this process, SIGTERM for a process of its own) without waiting. */
    void requestStop() {
        execution.requestStop();
    }

    /** Asks the command to stop and waits for its exit code. */
    int stop() throws InterruptedException, ExecutionException {
        requestStop();
        return awaitExit();
    }

    /** Stops the command if it still runs; it must end within the bound. */
    @Override
    public void close() throws ExecutionException {
        try {
            execution.end();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the command", e);
        }
    }

    /** A command running on a thread of this process. */
    private static final class InProcess implements Execution {
        private final NetworkCommand command;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final Thread thread;

        InProcess(CommandLine commandLine, String[] args, NetworkCommand command) {
            this.command = command;
            thread = new Thread(() -> {
                try {
                    exit.complete(commandLine.execute(args));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            }, "test-" + (args.length > 0 ? args[0] : "cli"));
            thread.start();
        }

        @Override
        public Integer awaitExit(Duration timeout) throws InterruptedException, ExecutionException {
            int code;
            try {
                code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return null;
            }
            thread.join(timeout.toMillis());
            return code;
        }

        @Override
        public void requestStop() {
            if (command == null) {
                throw new IllegalStateException("only a network command can be stopped");
            }
            command.stop();
        }

        @Override
        public void end() throws InterruptedException, ExecutionException {
            if (!exit.isDone()) {
                requestStop();
                assertThat(awaitExit(TIMEOUT)).as("the command stopped within %s", TIMEOUT).isNotNull();
            }
            thread.join(TIMEOUT.toMillis());
            assertThat(thread.isAlive()).as("the command's thread still runs").isFalse();
        }
    }

    /** A command running as a process of its own, from the shaded jar. */
    private static final class OwnProcess implements Execution {
        private final Process process;
        private final List<Thread> pumps = new ArrayList<>();

        OwnProcess(Redirect in, Redirect out, List<String> args, Lines outLines, Lines errLines) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar()));
            command.addAll(args);
            process = new ProcessBuilder(command).redirectInput(in).redirectOutput(out).start();
            if (out == Redirect.PIPE) {
                pump(process.getInputStream(), outLines);
            }
            pump(process.getErrorStream(), errLines);
        }

        /** The jar Maven built: failsafe says where; run from the module's directory otherwise. */
        private static String jar() {
            String jar = System.getProperty("ministreaming.jar", "target/ministreaming.jar");
            assertThat(Path.of(jar)).as("the shaded jar; run 'mvn verify' so that package builds it").isRegularFile();
            return jar;
        }

        private void pump(InputStream stream, Lines lines) {
            Thread thread = new Thread(() -> {
                try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                    reader.transferTo(lines);
                } catch (IOException e) {
                    String note = "(reading the process's output failed: " + e + ")\n";
                    lines.write(note.toCharArray(), 0, note.length());
                }
            }, "test-pump-" + process.pid());
            thread.setDaemon(true);
            thread.start();
            pumps.add(thread);
        }

        @Override
        public Integer awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            for (Thread pump : pumps) {
                pump.join(timeout.toMillis());
            }
            return process.exitValue();
        }

        @Override
        public void requestStop() {
            process.destroy();
        }

        @Override
        public void end() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (Thread pump : pumps) {
                pump.join(TIMEOUT.toMillis());
            }
        }
    }
}
