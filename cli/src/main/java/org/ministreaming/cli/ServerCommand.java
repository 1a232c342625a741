package org.ministreaming.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ministreaming server}: the server tunnel (I2PTunnel's server tunnel). Accepts
 * ministreaming connections and carries each to a TCP service, copying bytes both ways
 * ({@link Splice} describes how the ends map, since ministreaming has no half-close).
 *
 * <p>Not thread-safe, apart from {@link #stop}: picocli fills and runs one instance per run.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Server tunnel: accepts ministreaming connections at --listen (TCP or TLS) or on an I2P router (--i2cp)"
                    + " and forwards each to the TCP service at --forward.",
            "Prints 'listening on DEST' on the standard output once it listens, and runs until stopped (Ctrl-C);"
                    + " over I2P, DEST is the i2p: destination that peers dial, followed by its .b32.i2p name in parentheses.",
            "When the service ends its output, the connection is closed after everything it sent;"
                    + " when the peer closes, the service reads to the end and sees end of stream."},
        footer = {"", "Examples:", "  ministreaming server --listen tcp://127.0.0.1:7000 --forward 127.0.0.1:8080",
            "  ministreaming server --i2cp 127.0.0.1:7654 --keys server.dat \\",
            "      --forward 127.0.0.1:8080"})
final class ServerCommand extends NetworkCommand {

    /** Connections that may wait for the accept loop, more than the default for bursts of clients. */
    static final int ACCEPT_BACKLOG = 256;

    private static final Duration SERVICE_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    private ListenEndpoint endpoint;

    @Option(names = "--forward", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "The TCP service each connection is carried to.")
    private HostPort forward;

    @Mixin
    private StallTimeout stall;

    @Mixin
    private TunnelLimits limits;

    /** Listens, then accepts until stopped; the connections share the threads of one {@link TunnelLoop}. */
    @Override
    int run(Lifetime lifetime) throws IOException {
        StreamOptions options = limits.applyTo(stall.applyTo(streamOptions())).acceptBacklog(ACCEPT_BACKLOG).build();
        StreamManager manager = lifetime.own(endpoint.open(options, lifetime, err()));
        Sessions sessions = lifetime.own(new Sessions("server", this::report, stall.duration(), limits.connections()));
        StreamServerSocket listening = lifetime.own(manager.serverSocket());
        announce(out(), ListenEndpoint.listeningOn(manager));
        while (true) {
            StreamSocket stream = listening.accept();
            sessions.start(new Splice(SocketChannel.open(), stream, "connection from " + DestinationNames.brief(stream.peer())), this::connectService);
        }
    }

    private void connectService(Splice splice) throws IOException {
        InetSocketAddress service = forward.resolve();
        try {
            if (service.isUnresolved()) {
                throw new UnknownHostException(forward.host());
            }
            splice.tcp().socket().connect(service, (int) SERVICE_CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            throw new IOException("cannot reach the service at " + forward + ": " + Reasons.of(e), e);
        }
    }
}
