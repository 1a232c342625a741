package org.ministreaming.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link PrivateRouter} in a child process of its own ({@code ministreaming router --port 0}),
 * for a command that needs a router and was given none, such as the demo. The child stops when
 * {@link #close} closes its standard input, or when this process dies and the input ends with
 * it; it is killed if it has not stopped within 15 s.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread, and is idempotent.
 */
final class ChildRouter implements AutoCloseable {

    /** How long the child may take to print its address. */
    static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final long EXIT_LIMIT_SECONDS = 15;
    private static final int TAIL_LINES = 20;

    private final Process process;
    private final HostPort address;
    private final Thread reader;

    private ChildRouter(Process process, HostPort address, Thread reader) {
        this.process = process;
        this.address = address;
        this.reader = reader;
    }

    /**
     * Starts the child and waits until it prints the I2CP address it answers on.
     *
     * @throws IOException if it could not start, exited, or printed no address within
     *     {@link #START_LIMIT}; the message ends with what it printed last
     */
    static ChildRouter start() throws IOException {
        Process process = new ProcessBuilder(command()).redirectErrorStream(true).start();
        CompletableFuture<HostPort> printed = new CompletableFuture<>();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> read(process, printed, tail), "ministreaming-router-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildRouter(process, printed.get(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS), reader);
        } catch (ExecutionException | TimeoutException e) {
            stop(process, reader);
            throw new IOException("the private I2P router did not start within " + START_LIMIT.toSeconds() + " s; it printed:\n"
                    + String.join("\n", snapshot(tail)), e);
        } catch (InterruptedException e) {
            stop(process, reader);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the private I2P router started", e);
        }
    }

    /** Where the router answers I2CP. */
    HostPort address() {
        return address;
    }

    /** Stops the child and waits until it has exited. Idempotent. */
    @Override
    public void close() {
        stop(process, reader);
    }

    private static void stop(Process process, Thread reader) {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyGone) {
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(EXIT_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_LIMIT_SECONDS, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(EXIT_LIMIT_SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the child's output to its end: the first {@code HOST:PORT} line completes {@code printed}. */
    private static void read(Process process, CompletableFuture<HostPort> printed, Deque<String> tail) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!printed.isDone() && line.startsWith(PrivateRouter.HOST + ":")) {
                    try {
                        printed.complete(HostPort.parse(line.trim(), false));
                        continue;
                    } catch (IllegalArgumentException notTheAddress) {
                        // Some other line of the router's: keep it with the rest.
                    }
                }
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException ended) {
            // The child is gone: what it printed is in the tail.
        }
        printed.completeExceptionally(new IOException("the router's process ended"));
    }

    private static List<String> snapshot(Deque<String> tail) {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** This JVM's java, class path and main class, running {@code router --port 0 --stop-at-end-of-input}. */
    private static List<String> command() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "router", "--port", "0", "--stop-at-end-of-input");
    }
}
