package org.ministreaming.cli;

import java.time.Duration;
import org.ministreaming.StreamOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --stall-timeout SECONDS} of the tunnel commands: how long one side of a tunnelled
 * connection may take no bytes before both sides are closed, so that a stalled service or a
 * peer whose reader stopped cannot hold a connection, its socket and its buffers for ever. A
 * picocli mixin.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which the command then reads.
 */
final class StallTimeout {

    /** The default: 60 s. */
    static final long DEFAULT_SECONDS = 60;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_SECONDS,
            description = "Close both sides of a tunnelled connection when its TCP side takes no bytes, or its peer grants"
                    + " no credit, for this many seconds; 0 never does. Default: ${DEFAULT-VALUE}.")
    private long seconds;

    /**
     * The timeout, {@link Duration#ZERO} for none.
     *
     * @throws ParameterException if it is negative
     */
    Duration duration() {
        if (seconds < 0) {
            throw new ParameterException(mixee.commandLine(), "--stall-timeout must be 0 or more seconds: " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** {@code options} with the timeout as the write timeout, so a write waiting for credit ends too. */
    StreamOptions.Builder applyTo(StreamOptions.Builder options) {
        return options.writeTimeout(duration());
    }
}
