package org.ministreaming.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ministreaming.StreamSocket;

/**
 * Netcat over one ministreaming connection: standard input to the stream, the stream to standard
 * output.
 *
 * <p><b>Ends.</b> The protocol has no half-close, so the end of standard input cannot be passed
 * on by itself; it closes the connection, which ends it both ways. When it does so is the
 * {@code quitAfter} setting, after the manner of {@code nc -q}:
 * <ul>
 *   <li>zero: as soon as all input was sent (like {@code nc -N});</li>
 *   <li>positive: after waiting that long for the peer to close first, receiving meanwhile;</li>
 *   <li>negative: never; only the peer's close ends the connection.</li>
 * </ul>
 * When the peer closes, everything it sent is written out and the exchange ends, whatever is
 * left on standard input.
 *
 * <p>Not thread-safe: {@link #run} once, from one thread. Standard input is read on a daemon
 * thread ({@code ministreaming-netcat-input}); if input has not ended when the exchange does,
 * that thread stays blocked on it (the process then exits anyway).
 */
final class Netcat {

    private static final int BUFFER = 32 * 1024;
    private static final Duration INPUT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final StreamSocket stream;
    private final InputStream input;
    private final OutputStream output;
    private final Duration quitAfter;
    private final CountDownLatch received = new CountDownLatch(1);
    private final CountDownLatch inputEnded = new CountDownLatch(1);
    private volatile boolean closedHere;
    private volatile IOException inputFailure;

    /**
     * An exchange over {@code stream}.
     *
     * @param input standard input, or what stands for it
     * @param output standard output, or what stands for it; flushed after every write
     * @param quitAfter how long to wait for the peer's close after the end of input: zero not at
     *     all, negative for ever
     */
    Netcat(StreamSocket stream, InputStream input, OutputStream output, Duration quitAfter) {
        this.stream = stream;
        this.input = input;
        this.output = output;
        this.quitAfter = quitAfter;
    }

    /**
     * Copies both ways until the connection ends, then closes it.
     *
     * @return {@link ExitCodes#OK} once the connection ended as described above
     * @throws IOException if the connection failed, or reading input or writing output failed
     */
    int run() throws IOException {
        Thread sender = new Thread(this::send, "ministreaming-netcat-input");
        sender.setDaemon(true);
        sender.start();
        try {
            receive();
        } finally {
            received.countDown();
            close();
        }
        if (inputEnded.getCount() == 0) {
            try {
                sender.join(INPUT_STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (inputFailure != null) {
            throw inputFailure;
        }
        return ExitCodes.OK;
    }

    /** The stream to the output, until the peer closes or this side does. */
    private void receive() throws IOException {
        InputStream in = stream.getInputStream();
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                if (closedHere) {
                    return;
                }
                throw new IOException("the connection with " + DestinationNames.brief(stream.peer()) + " failed: " + Reasons.of(e), e);
            }
            if (n < 0) {
                return;
            }
            try {
                output.write(buffer, 0, n);
                output.flush();
            } catch (IOException e) {
                throw new IOException("cannot write the standard output: " + Reasons.of(e), e);
            }
        }
    }

    /** The input to the stream; at its end, closes the stream as {@code quitAfter} says. */
    private void send() {
        OutputStream out = stream.getOutputStream();
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = input.read(buffer);
            } catch (IOException e) {
                inputFailure = new IOException("cannot read the standard input: " + Reasons.of(e), e);
                close();
                return;
            }
            if (n < 0) {
                break;
            }
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                // The connection ended: the receiving side tells how.
                return;
            }
        }
        inputEnded.countDown();
        try {
            if (quitAfter.isNegative()) {
                received.await();
            } else if (!quitAfter.isZero()) {
                received.await(quitAfter.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    private void close() {
        closedHere = true;
        stream.close();
    }
}
