package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A network command running in-process on a thread of its own, with its output captured line by
 * line; {@link #close} stops it and waits for it to return.
 */
final class Running implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The line a listening command prints, with what peers dial as group 1. */
    static final Pattern LISTENING = Pattern.compile("listening on (\\S+)(?: \\([a-z2-7]{52}\\.b32\\.i2p\\))?");

    private final NetworkCommand command;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Thread thread;
    final Lines out = new Lines();
    final Lines err = new Lines();

    private Running(String[] args, Consumer<NetworkCommand> setup) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        command = commandLine.getSubcommands().values().stream()
                .filter(sub -> Arrays.asList(args).contains(sub.getCommandName()))
                .map(sub -> (NetworkCommand) sub.getCommand())
                .findFirst().orElseThrow();
        setup.accept(command);
        thread = new Thread(() -> {
            try {
                exit.complete(commandLine.execute(args));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        }, "test-" + args[0]);
        thread.start();
    }

    /** Starts {@code ministreaming ARGS}, whose subcommand must be a network command. */
    static Running start(String... args) {
        return new Running(args, command -> { });
    }

    /** Like {@link #start(String...)}, setting the command up before it runs. */
    static Running start(Consumer<NetworkCommand> setup, String... args) {
        return new Running(args, setup);
    }

    /** Waits for {@code listening on X} (over I2P followed by {@code (NAME.b32.i2p)}) on the output and returns X. */
    String listeningOnOut() throws InterruptedException {
        return out.await(LISTENING, TIMEOUT).group(1);
    }

    /** Waits for {@code listening on X} (over I2P followed by {@code (NAME.b32.i2p)}) on the error output and returns X. */
    String listeningOnErr() throws InterruptedException {
        return err.await(LISTENING, TIMEOUT).group(1);
    }

    /** Waits for the command to return by itself; if it does not, says what it wrote meanwhile. */
    int awaitExit() throws InterruptedException, ExecutionException, TimeoutException {
        int code;
        try {
            code = exit.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            TimeoutException described = new TimeoutException("the command did not return within " + TIMEOUT.toSeconds()
                    + " s; its error output so far:\n" + err.text());
            described.initCause(e);
            throw described;
        }
        thread.join(TIMEOUT.toMillis());
        return code;
    }

    /** Stops the command as SIGINT would and waits for it to return. */
    int stop() throws InterruptedException, ExecutionException, TimeoutException {
        command.stop();
        return awaitExit();
    }

    /** Stops the command if it still runs; it must return within the bound. */
    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            if (!exit.isDone()) {
                stop();
            }
            thread.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the command", e);
        }
        assertThat(thread.isAlive()).as("the command's thread still runs").isFalse();
    }
}
