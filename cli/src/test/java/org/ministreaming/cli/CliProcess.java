package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ministreaming} command as a separate process, run from the shaded jar: its piped
 * output is collected line by line on threads of the test; {@link #close} destroys the process
 * if it still runs.
 */
final class CliProcess implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final List<Thread> pumps = new ArrayList<>();
    final Lines out = new Lines();
    final Lines err = new Lines();

    private CliProcess(Redirect in, Redirect out, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar()));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectInput(in).redirectOutput(out).start();
        if (out == Redirect.PIPE) {
            pump(process.getInputStream(), this.out);
        }
        pump(process.getErrorStream(), err);
    }

    /** Starts {@code ministreaming ARGS} with piped input and output. */
    static CliProcess start(String... args) throws IOException {
        return new CliProcess(Redirect.PIPE, Redirect.PIPE, List.of(args));
    }

    /** Starts {@code ministreaming ARGS} with its input and output redirected. */
    static CliProcess start(Redirect in, Redirect out, String... args) throws IOException {
        return new CliProcess(in, out, List.of(args));
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

    /** The operating system's process id. */
    long pid() {
        return process.pid();
    }

    /** Waits for {@code listening on X} (over I2P followed by {@code (NAME.b32.i2p)}) on the output and returns X. */
    String listeningOnOut() throws InterruptedException {
        return out.await(Running.LISTENING, TIMEOUT).group(1);
    }

    /** Waits for {@code listening on X} (over I2P followed by {@code (NAME.b32.i2p)}) on the error output and returns X. */
    String listeningOnErr() throws InterruptedException {
        return err.await(Running.LISTENING, TIMEOUT).group(1);
    }

    /** Sends SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit and for its output to be read. */
    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .as("the process exited within %s; its errors:\n%s", TIMEOUT, err.text()).isTrue();
        for (Thread pump : pumps) {
            pump.join(TIMEOUT.toMillis());
        }
        return process.exitValue();
    }

    /** Destroys the process if it still runs and waits for it. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (Thread pump : pumps) {
                pump.join(TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the process", e);
        }
    }
}
