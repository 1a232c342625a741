package org.ministreaming.cli;

import org.ministreaming.StreamOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --max-connections N --max-connections-per-peer N} of the tunnel commands: how many
 * tunnelled connections may be open at once, in all and from one peer. Each costs a TCP socket
 * and up to 32 KiB of copy buffers (while it has bytes to pass on) besides its stream, so the
 * library's defaults (8,192 and 1,024) are too many for a tunnel in a 256 MiB heap; these defaults
 * fit it (docs/robustness.md has the arithmetic). A picocli mixin.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which the command then reads.
 */
final class TunnelLimits {

    /** Default of {@code --max-connections}. */
    static final int DEFAULT_MAX_CONNECTIONS = 1024;

    /** Default of {@code --max-connections-per-peer}. */
    static final int DEFAULT_MAX_PER_PEER = 128;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_CONNECTIONS,
            description = "Most tunnelled connections open at once; more are refused. Default: ${DEFAULT-VALUE}.")
    private int connections;

    @Option(names = "--max-connections-per-peer", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_PER_PEER,
            description = "Most tunnelled connections open at once with one peer; more are refused. Default: ${DEFAULT-VALUE}.")
    private int perPeer;

    /**
     * The bound in all.
     *
     * @throws ParameterException if either bound is below 1
     */
    int connections() {
        check("--max-connections", connections);
        check("--max-connections-per-peer", perPeer);
        return connections;
    }

    /** {@code options} with both bounds as the manager's connection limits. */
    StreamOptions.Builder applyTo(StreamOptions.Builder options) {
        return options.maxConnections(connections()).maxConnectionsPerPeer(Math.min(perPeer, connections));
    }

    private void check(String option, int value) {
        if (value < 1) {
            throw new ParameterException(mixee.commandLine(), option + " must be at least 1: " + value);
        }
    }
}
