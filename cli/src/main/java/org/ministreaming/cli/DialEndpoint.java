package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.tcp.TcpTransport;
import org.ministreaming.transport.tcp.TcpTransportBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of a command that dials a peer, and the manager they make: one that does not
 * listen, of the peer's kind. A {@code tls://} peer needs {@code --pin FINGERPRINT}; an
 * {@code i2p:} peer needs {@code --i2cp HOST:PORT}, with the other options of
 * {@link I2pEndpoint}.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which {@link #open} then reads.
 */
final class DialEndpoint {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @ArgGroup(validate = false, heading = "%nTLS:%n", order = 1)
    private Tls tls = new Tls();

    @ArgGroup(validate = false, heading = I2pEndpoint.HEADING, order = 2)
    private I2pEndpoint i2p = new I2pEndpoint();

    /** The TLS option; picocli's validation is off, {@link #open} checks it. */
    static final class Tls {

        @Option(names = "--pin", paramLabel = "FINGERPRINT",
                description = {"tls:// only: the SHA-256 fingerprint of the peer's certificate, as the peer prints it when it starts"
                        + " (64 hex digits, colons allowed). Repeat it to trust several."})
        private List<String> pins = new ArrayList<>();
    }

    /**
     * Starts a manager that can dial {@code peer}, without listening. Over I2P, blocks until the
     * router has built the session's tunnels.
     *
     * @param peer the destination the command dials
     * @param options the manager's options
     * @param lifetime the command's lifetime, which owns an I2P session from its start
     * @param err where the destination of new I2P keys goes
     * @return the manager
     * @throws ParameterException if the options do not fit the peer: a {@code tls://} peer
     *     without a pin or a malformed pin, a pin for another peer, an {@code i2p:} peer without
     *     {@code --i2cp}, or I2P options for another peer
     * @throws CommandFailure with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the I2P router
     *     cannot be reached
     * @throws IOException if the key file cannot be used or the manager cannot start
     */
    StreamManager open(Destination peer, StreamOptions options, Lifetime lifetime, PrintWriter err) throws IOException {
        List<String> pins = tls.pins;
        if (peer.scheme().equals(I2pDestinations.SCHEME)) {
            if (!i2p.selected()) {
                throw new ParameterException(mixee.commandLine(), "i2p: destinations are reached through an I2P router:"
                        + " add --i2cp HOST:PORT, its I2CP address (usually 127.0.0.1:7654)");
            }
            if (!pins.isEmpty()) {
                throw new ParameterException(mixee.commandLine(), "--pin is for tls:// peers, not I2P destinations");
            }
            return i2p.open(options, lifetime, err);
        }
        if (i2p.selected()) {
            throw new ParameterException(mixee.commandLine(), "--i2cp is for i2p: peers; " + peer + " is reached without a router");
        }
        i2p.checkUnused(mixee);
        if (!peer.scheme().equals("tls")) {
            if (!pins.isEmpty()) {
                throw new ParameterException(mixee.commandLine(), "--pin is for tls:// peers; " + peer + " is plain TCP");
            }
            return StreamManager.open(TcpTransport.plain().build(), options);
        }
        if (pins.isEmpty()) {
            throw new ParameterException(mixee.commandLine(), "dialling " + peer
                    + " needs --pin FINGERPRINT, the certificate fingerprint the peer prints when it starts");
        }
        TcpTransportBuilder builder = TcpTransport.tls();
        for (String pin : pins) {
            try {
                builder.pin(pin);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), "--pin: " + e.getMessage());
            }
        }
        return StreamManager.open(builder.build(), options);
    }

    /**
     * The destination to dial for {@code peer}: itself, or for an I2P name the full destination
     * the router finds for it. Call it after {@link #open}.
     *
     * @param peer the destination {@link #open} was given
     * @param err where the progress of a long lookup goes
     * @throws CommandFailure with {@link ExitCodes#UNKNOWN_NAME} if the router does not know the
     *     name
     */
    Destination resolve(Destination peer, PrintWriter err) throws CommandFailure {
        return i2p.selected() ? i2p.resolve(peer, err) : peer;
    }
}
