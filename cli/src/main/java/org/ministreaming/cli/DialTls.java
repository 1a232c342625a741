package org.ministreaming.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.tcp.TcpTransport;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The option of a command that dials a peer ({@code --pin FINGERPRINT} for {@code tls://}
 * peers), and the manager it makes: one that does not listen, of the peer's scheme.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which {@link #open} then reads.
 */
final class DialTls {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--pin", paramLabel = "FINGERPRINT",
            description = {"tls:// only: the SHA-256 fingerprint of the peer's certificate, as the peer prints it when it starts"
                    + " (64 hex digits, colons allowed). Repeat it to trust several."})
    private List<String> pins = new ArrayList<>();

    /**
     * Starts a manager that can dial {@code peer}, without listening.
     *
     * @param peer the destination the command dials
     * @param options the manager's options
     * @return the manager
     * @throws ParameterException if a {@code tls://} peer has no pin, a pin is malformed, or a
     *     pin is given for a plain peer
     * @throws IOException if the manager cannot start
     */
    StreamManager open(Destination peer, StreamOptions options) throws IOException {
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
        TcpTransport.Builder builder = TcpTransport.tls();
        for (String pin : pins) {
            try {
                builder.pin(pin);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), "--pin: " + e.getMessage());
            }
        }
        return StreamManager.open(builder.build(), options);
    }
}
