package org.ministreaming.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.Destination;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ministreaming client}: the client tunnel (I2PTunnel's client tunnel). Accepts local TCP
 * connections and carries each over a ministreaming connection of its own to the peer, copying
 * bytes both ways ({@link Splice} describes how the ends map).
 *
 * <p>Not thread-safe, apart from {@link #stop}: picocli fills and runs one instance per run.
 */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        description = {
            "Client tunnel: accepts TCP connections at --listen and carries each over its own ministreaming connection to --peer.",
            "Prints 'listening on HOST:PORT' on the standard output once it listens, and runs until stopped (Ctrl-C).",
            "When a local program ends its output, its connection is closed after everything it sent"
                    + " (ministreaming has no half-close)."},
        footer = {"", "Examples:", "  ministreaming client --peer tcp://server.example:7000 --listen 127.0.0.1:8081",
            "  ministreaming client --i2cp 127.0.0.1:7654 --peer i2p:<destination> \\",
            "      --listen 127.0.0.1:8081"})
final class ClientCommand extends NetworkCommand {

    /** Local connections the operating system queues for the accept loop. */
    private static final int LOCAL_BACKLOG = 256;

    @Option(names = "--peer", required = true, paramLabel = "DEST", converter = DestinationConverter.Peer.class,
            description = "Where the server tunnel listens: tcp://HOST:PORT, tls://HOST:PORT, or with --i2cp"
                    + " i2p:BASE64 (the server's destination in I2P's Base64, as it prints it) or an I2P name, i2p:NAME.b32.i2p or"
                    + " i2p:HOST.i2p, which the router looks up once at start.")
    private Destination peer;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = HostPort.ListenConverter.class,
            description = "Where to accept local TCP connections; port 0 picks a free one.")
    private HostPort listen;

    @Mixin
    private DialEndpoint dial;

    @Mixin
    private StallTimeout stall;

    @Mixin
    private TunnelLimits limits;

    /** Listens, then accepts until stopped; each connection gets its own stream, and they share the threads of one {@link TunnelLoop}. */
    @Override
    int run(Lifetime lifetime) throws IOException {
        StreamManager manager = lifetime.own(dial.open(peer, limits.applyTo(stall.applyTo(streamOptions())).build(), lifetime, err()));
        Destination target = dial.resolve(peer, err());
        Sessions sessions = lifetime.own(new Sessions("client", this::report, stall.duration(), limits.connections()));
        ServerSocketChannel local = lifetime.own(bind());
        announce(out(), "listening on " + new HostPort(listen.host(), ((InetSocketAddress) local.getLocalAddress()).getPort()));
        while (true) {
            SocketChannel accepted = local.accept();
            Socket remote = accepted.socket();
            String from = new HostPort(remote.getInetAddress().getHostAddress(), remote.getPort()).toString();
            sessions.start(new Splice(accepted, null, "connection from " + from), splice -> splice.attach(manager.connect(target)));
        }
    }

    private ServerSocketChannel bind() throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.bind(listen.resolve(), LOCAL_BACKLOG);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new CommandFailure(ExitCodes.CANNOT_LISTEN, "cannot listen at " + listen + ": " + Reasons.of(e), e);
        }
    }
}
