package org.ministreaming.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.ministreaming.PeerLostException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.Destination;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ministreaming connect}: netcat's connecting side. Opens one connection, copies the
 * standard input to it and it to the standard output, and exits when it ends (see
 * {@link Netcat} for when that is).
 *
 * <p>Not thread-safe, apart from {@link #stop}: picocli fills and runs one instance per run.
 */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = {
            "Netcat style: opens a ministreaming connection to DEST, sends the standard input to it"
                    + " and writes what arrives to the standard output; exits when the connection ends.",
            "By default the end of the standard input closes the connection once all input was sent, like nc -N;"
                    + " use -q to wait for an answer first."},
        footer = {"", "Examples:", "  ministreaming connect tcp://127.0.0.1:7000 < file.bin",
            "  ministreaming connect --i2cp 127.0.0.1:7654 i2p:<the listener's destination> \\",
            "      < file.bin"})
final class ConnectCommand extends NetcatCommand {

    @Parameters(index = "0", paramLabel = "DEST", converter = DestinationConverter.Peer.class,
            description = "The peer: tcp://HOST:PORT, tls://HOST:PORT, or with --i2cp i2p:BASE64 (the listener's"
                    + " destination in I2P's Base64, as it prints it) or an I2P name, i2p:NAME.b32.i2p or i2p:HOST.i2p, which the router looks up.")
    private Destination peer;

    @Mixin
    private DialEndpoint dial;

    @Option(names = {"-q", "--quit-after"}, paramLabel = "SECONDS", defaultValue = "0", description = QUIT_AFTER_HELP)
    private int quitAfter;

    /**
     * Connects and runs the exchange; a peer that refuses or cannot be reached exits with its own
     * code, and so does one whose link ends before it answers (silent, or not a ministreaming peer).
     */
    @Override
    int run(Lifetime lifetime) throws IOException {
        StreamManager manager = lifetime.own(dial.open(peer, streamOptions().build(), lifetime, err()));
        Destination target = dial.resolve(peer, err());
        StreamSocket stream;
        try {
            stream = lifetime.own(manager.connect(target));
        } catch (ConnectException | SocketTimeoutException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, Reasons.of(e), e);
        } catch (PeerLostException e) {
            // The link ended before the peer answered: it said nothing, or not in ministreaming.
            Throwable why = e;
            while (why instanceof PeerLostException && why.getCause() != null) {
                why = why.getCause(); // the transport's own reason, behind the engine's copies
            }
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot connect to " + target + ": " + Reasons.of(why), e);
        }
        return exchange(stream, quitAfter);
    }
}
