package org.ministreaming.cli;

import org.ministreaming.StreamOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How much a command's managers buffer ahead of their readers: {@code --receive-buffer} (the
 * flow-control window to begin with), {@code --max-receive-window} (the most it grows to),
 * {@code --plain-receive-allowance} (per connection without flow control)
 * and {@code --receive-budget} (over all connections of a manager). A picocli mixin, shared by
 * every command that opens a manager; options not given keep the library's defaults.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which the command then reads.
 */
final class ReceiveOptions {

    /** Largest window or allowance: 1 GiB. */
    static final long MAX_PER_CONNECTION = 1L << 30;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--receive-buffer", paramLabel = "SIZE", converter = ByteSize.class,
            description = "The flow-control window: what a connection to a peer with flow control (this implementation)"
                    + " buffers ahead of its reader at first; its writer waits beyond it. At most 1G. Default: 256K.")
    private Long receiveBuffer;

    @Option(names = "--max-receive-window", paramLabel = "SIZE", converter = ByteSize.class,
            description = "The most that window grows to while its reader keeps up; no larger than --receive-buffer keeps"
                    + " windows fixed. At most 1G. Default: 16M.")
    private Long maxReceiveWindow;

    @Option(names = "--plain-receive-allowance", paramLabel = "SIZE", converter = ByteSize.class,
            description = "What one connection to a peer without flow control (the original implementation, or --plain)"
                    + " may buffer ahead of its reader, counting " + StreamOptions.BUFFERED_MESSAGE_OVERHEAD + " bytes per message;"
                    + " beyond it that connection is closed. At most 1G. Default: 32M.")
    private Long plainReceiveAllowance;

    @Option(names = "--receive-budget", paramLabel = "SIZE", converter = ByteSize.class,
            description = "What all connections together may buffer ahead of their readers; when it is exhausted, the connection"
                    + " holding the most is closed and its unread bytes dropped. Default: a quarter of the JVM's largest heap,"
                    + " at most 256M.")
    private Long receiveBudget;

    /**
     * Sets the options that were given on {@code options}.
     *
     * @return {@code options}
     * @throws ParameterException if a window or an allowance is larger than 1G
     */
    StreamOptions.Builder applyTo(StreamOptions.Builder options) {
        if (receiveBuffer != null) {
            options.receiveBufferSize(perConnection("--receive-buffer", receiveBuffer));
        }
        if (maxReceiveWindow != null) {
            options.maxReceiveWindow(perConnection("--max-receive-window", maxReceiveWindow));
        }
        if (plainReceiveAllowance != null) {
            options.plainReceiveAllowance(perConnection("--plain-receive-allowance", plainReceiveAllowance));
        }
        if (receiveBudget != null) {
            options.receiveBudget(receiveBudget);
        }
        return options;
    }

    /**
     * Checks the values, as {@link #applyTo} would, before a command starts anything.
     *
     * @throws ParameterException if a window or an allowance is larger than 1G
     */
    void check() {
        applyTo(StreamOptions.builder());
    }

    /** The flow-control window the managers get. */
    int window() {
        return receiveBuffer == null ? StreamOptions.DEFAULT_RECEIVE_BUFFER_SIZE : perConnection("--receive-buffer", receiveBuffer);
    }

    /** The most the window grows to; no more than {@link #window()} keeps it fixed. */
    int maxWindow() {
        return maxReceiveWindow == null ? StreamOptions.DEFAULT_MAX_RECEIVE_WINDOW : perConnection("--max-receive-window", maxReceiveWindow);
    }

    private int perConnection(String option, long bytes) {
        if (bytes > MAX_PER_CONNECTION) {
            throw new ParameterException(mixee.commandLine(), option + " must be at most 1G, got " + ByteSize.format(bytes));
        }
        return (int) bytes;
    }
}
