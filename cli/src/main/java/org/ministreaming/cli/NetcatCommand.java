package org.ministreaming.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.ministreaming.StreamSocket;

/**
 * What {@code listen} and {@code connect} share: the standard input and output they copy, and
 * the exchange over one connection ({@link Netcat}).
 *
 * <p>Not thread-safe, apart from {@link #stop}: picocli fills and runs one instance per run.
 */
abstract class NetcatCommand extends NetworkCommand {

    /** The help text of {@code -q}, which the two commands share apart from the default. */
    static final String QUIT_AFTER_HELP = "After the end of the standard input, how many seconds to wait for the peer to close"
            + " before closing: 0 closes as soon as all input was sent, -1 (any negative number) waits until the peer closes."
            + " Default: ${DEFAULT-VALUE}.";

    private InputStream input = System.in;
    private OutputStream output = new FileOutputStream(FileDescriptor.out);

    /**
     * Replaces standard input and output, for tests that run the command in-process.
     * Call it before the command runs.
     */
    void standardStreams(InputStream in, OutputStream out) {
        this.input = in;
        this.output = out;
    }

    /**
     * Runs the exchange over {@code stream}.
     *
     * @param quitAfterSeconds the {@code -q} value: 0, a number of seconds, or negative for ever
     * @return the exit code
     * @throws IOException if the connection, the input or the output failed
     */
    int exchange(StreamSocket stream, int quitAfterSeconds) throws IOException {
        Duration quitAfter = quitAfterSeconds < 0 ? Duration.ofSeconds(-1) : Duration.ofSeconds(quitAfterSeconds);
        return new Netcat(stream, input, output, quitAfter).run();
    }
}
