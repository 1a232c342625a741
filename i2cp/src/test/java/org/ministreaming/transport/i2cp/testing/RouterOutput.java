package org.ministreaming.transport.i2cp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The output of a router's process, read by a daemon thread so that the process never blocks on
 * a full pipe: copied to a file, its last lines kept for error messages, and watched for the
 * {@link RouterMain#READY} line.
 */
final class RouterOutput {

    private static final int TAIL_LINES = 40;

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread reader;

    private RouterOutput(InputStream in, Path file) {
        reader = new Thread(() -> copy(in, file), "i2p-router-output");
        reader.setDaemon(true);
    }

    /** Starts reading {@code in}, a router's output, into {@code file}. */
    static RouterOutput follow(InputStream in, Path file) {
        RouterOutput output = new RouterOutput(in, file);
        output.reader.start();
        return output;
    }

    /** Completes when the router reports that it is ready; fails if its output ends first. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    /** The last lines of the output so far. */
    synchronized String tail() {
        return String.join("\n", tail);
    }

    /** Waits, at most {@code seconds}, until the output has ended and its file is closed. */
    void awaitEnd(long seconds) {
        try {
            reader.join(TimeUnit.SECONDS.toMillis(seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void copy(InputStream in, Path file) {
        try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(in, StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.write(line);
                out.write(System.lineSeparator());
                out.flush();
                remember(line);
                if (line.equals(RouterMain.READY)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException("the router's output ended"));
    }

    private synchronized void remember(String line) {
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(line);
    }
}
