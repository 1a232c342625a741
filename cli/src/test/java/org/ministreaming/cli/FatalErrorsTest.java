package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No thread dies silently, and running out of memory ends the process with its own exit code. */
@Timeout(120)
class FatalErrorsTest {

    @Test
    void anOutOfMemoryErrorInAnyThreadEndsTheProcessWithItsExitCode() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        AtomicInteger exitCode = new AtomicInteger(-1);
        FatalErrors handler = new FatalErrors(new PrintStream(text, true, StandardCharsets.UTF_8), exitCode::set);

        handler.uncaughtException(new Thread("ministreaming-tcp-accept"), new IllegalStateException(new OutOfMemoryError("heap")));

        assertThat(exitCode.get()).isEqualTo(ExitCodes.OUT_OF_MEMORY);
        assertThat(text.toString(StandardCharsets.UTF_8)).startsWith("ministreaming: out of memory in thread ministreaming-tcp-accept; exiting");
    }

    @Test
    void anotherUncaughtExceptionIsNamedInOneLineAndTheProcessGoesOn() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        AtomicInteger exitCode = new AtomicInteger(-1);
        FatalErrors handler = new FatalErrors(new PrintStream(text, true, StandardCharsets.UTF_8), exitCode::set);

        handler.uncaughtException(new Thread("worker-1"), new IllegalStateException("broken"));

        assertThat(exitCode.get()).as("not ended").isEqualTo(-1);
        assertThat(text.toString(StandardCharsets.UTF_8)).isEqualTo("ministreaming: thread worker-1 ended: java.lang.IllegalStateException: broken"
                + System.lineSeparator());
    }

    @Test
    void aRealOutOfMemoryErrorInABackgroundThreadEndsAChildJvmWithExitCodeEight() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                OutOfMemoryProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isEqualTo(ExitCodes.OUT_OF_MEMORY);
            assertThat(output).contains("ministreaming: out of memory in thread probe-allocator; exiting");
        } finally {
            process.destroyForcibly();
        }
    }

    /** A child JVM's main: the CLI's handler installed, then a thread that fills the heap while main waits. */
    static final class OutOfMemoryProbe {
        private OutOfMemoryProbe() {
        }

        public static void main(String[] args) throws InterruptedException {
            FatalErrors.install();
            Thread allocator = new Thread(() -> {
                List<long[]> hoard = new ArrayList<>();
                while (true) {
                    hoard.add(new long[1 << 20]);
                }
            }, "probe-allocator");
            allocator.start();
            allocator.join();
            System.exit(0); // reached only if the handler let the process go on
        }
    }
}
