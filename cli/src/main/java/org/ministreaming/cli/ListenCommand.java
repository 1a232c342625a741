package org.ministreaming.cli;

import java.io.IOException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ministreaming listen}: netcat's listening side. Accepts one connection, copies the
 * standard input to it and it to the standard output, and exits when it ends (see
 * {@link Netcat} for when that is).
 *
 * <p>Not thread-safe, apart from {@link #stop}: picocli fills and runs one instance per run.
 */
@Command(
        name = "listen",
        mixinStandardHelpOptions = true,
        description = {
            "Netcat style: accepts one ministreaming connection at --listen (TCP or TLS) or on an I2P router (--i2cp),"
                    + " sends the standard input to it and writes what arrives to the standard output; exits when the connection ends.",
            "Prints 'listening on DEST' on the standard error once it listens (the standard output carries the data);"
                    + " over I2P, DEST is the i2p: destination that peers dial, followed by its .b32.i2p name in parentheses.",
            "By default the end of the standard input does not end the connection: the peer's close does (see -q)."},
        footer = {"", "Examples:", "  ministreaming listen --listen tcp://127.0.0.1:7000 > received.bin",
            "  ministreaming listen --i2cp 127.0.0.1:7654 --keys listen.dat > received.bin"})
final class ListenCommand extends NetcatCommand {

    @Mixin
    private ListenEndpoint endpoint;

    @Option(names = {"-q", "--quit-after"}, paramLabel = "SECONDS", defaultValue = "-1", description = QUIT_AFTER_HELP)
    private int quitAfter;

    /** Listens, takes one connection, refuses the others, and runs the exchange. */
    @Override
    int run(Lifetime lifetime) throws IOException {
        StreamManager manager = lifetime.own(endpoint.open(streamOptions().build(), lifetime, err()));
        StreamServerSocket listening = lifetime.own(manager.serverSocket());
        announce(err(), ListenEndpoint.listeningOn(manager));
        StreamSocket stream = lifetime.own(listening.accept());
        listening.close();
        return exchange(stream, quitAfter);
    }
}
