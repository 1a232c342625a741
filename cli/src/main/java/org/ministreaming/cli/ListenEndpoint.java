package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.tcp.TcpTransport;
import org.ministreaming.transport.tcp.TcpTransportBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of a command that listens for ministreaming connections, and the manager they
 * make: over TCP or TLS ({@code --listen DEST}, and for TLS {@code --keystore FILE
 * --keystore-password PW}), or over I2P ({@code --i2cp HOST:PORT} and the other options of
 * {@link I2pEndpoint}). Exactly one of {@code --listen} and {@code --i2cp} is required.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which {@link #open} then reads.
 */
final class ListenEndpoint {

    /**
     * What each link reads or writes at once: 128 KiB, a quarter of the library's default, so
     * that a listener facing {@value TcpTransportBuilder#DEFAULT_MAX_LINKS} links from peers it
     * does not know keeps its direct memory within the arithmetic of docs/robustness.md.
     */
    static final int LINK_BUFFER_BYTES = 128 * 1024;

    /** Hosts that listen on every address, which peers cannot dial. */
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "[::]", "[0:0:0:0:0:0:0:0]");

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @ArgGroup(validate = false, heading = "%nTCP or TLS:%n", order = 1)
    private Tcp tcp = new Tcp();

    @ArgGroup(validate = false, heading = I2pEndpoint.HEADING, order = 2)
    private I2pEndpoint i2p = new I2pEndpoint();

    /** The TCP and TLS options; picocli's validation is off, {@link #open} checks them. */
    static final class Tcp {

        @Option(names = "--listen", paramLabel = "DEST", converter = DestinationConverter.Listen.class, order = 1,
                description = {"Where to listen: tcp://HOST:PORT, or for TLS 1.3 tls://HOST:PORT; port 0 picks a free one.",
                    "Give the name or address peers dial, not 0.0.0.0: peers are told this destination."})
        private Destination listen;

        @Option(names = "--keystore", paramLabel = "FILE", order = 2,
                description = "tls:// only: a PKCS12 file holding the one key to present. Without it, a new self-signed key is made.")
        private Path keyStore;

        @Option(names = "--keystore-password", paramLabel = "PW", arity = "1", order = 3,
                description = "The password of the --keystore file and of its key.")
        private char[] keyStorePassword;

        @Option(names = "--max-links", paramLabel = "N", order = 4, defaultValue = "" + TcpTransportBuilder.DEFAULT_MAX_LINKS,
                description = "Most links (TCP connections from peers) open at once; more are closed at once. Default: ${DEFAULT-VALUE}.")
        private int maxLinks;

        @Option(names = "--max-links-per-address", paramLabel = "N", order = 5,
                defaultValue = "" + TcpTransportBuilder.DEFAULT_MAX_LINKS_PER_ADDRESS,
                description = "Most links open at once from one IP address. Default: ${DEFAULT-VALUE}.")
        private int maxLinksPerAddress;

        @Option(names = "--frame-timeout", paramLabel = "SECONDS", order = 6, defaultValue = "30",
                description = "Close a link whose peer takes longer to send a frame, once begun. Default: ${DEFAULT-VALUE}.")
        private long frameTimeoutSeconds;

        @Option(names = "--link-idle-timeout", paramLabel = "SECONDS", order = 7, defaultValue = "60",
                description = "Close a link that carries nothing of ours when it brings no message for this long; 0 never does."
                        + " Default: ${DEFAULT-VALUE}.")
        private long idleTimeoutSeconds;
    }

    /**
     * Starts a manager that listens as the options say. For TLS, prints the certificate's
     * fingerprint on {@code err} first, for peers to pin; over I2P, blocks until the router has
     * built the session's tunnels.
     *
     * @param options the manager's options
     * @param lifetime the command's lifetime, which owns an I2P session from its start
     * @param err where the fingerprint, or the destination of new I2P keys, goes
     * @return the manager, listening
     * @throws ParameterException if neither or both of {@code --listen} and {@code --i2cp} were
     *     given, or an option does not fit the one given
     * @throws CommandFailure with {@link ExitCodes#CANNOT_LISTEN} if the address cannot be bound,
     *     or with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the I2P router cannot be reached
     * @throws IOException if the key store or the key file cannot be used, or the manager cannot
     *     start
     */
    StreamManager open(StreamOptions options, Lifetime lifetime, PrintWriter err) throws IOException {
        if (tcp.listen != null && i2p.selected()) {
            throw new ParameterException(mixee.commandLine(), "--listen and --i2cp are alternatives: --listen DEST listens on TCP,"
                    + " --i2cp HOST:PORT on an I2P router; give one of them");
        }
        if (tcp.listen == null && !i2p.selected()) {
            throw new ParameterException(mixee.commandLine(), "Missing required option: '--listen=DEST' (TCP or TLS)"
                    + " or '--i2cp=HOST:PORT' (an I2P router)");
        }
        if (i2p.selected()) {
            if (tcp.keyStore != null || tcp.keyStorePassword != null) {
                throw new ParameterException(mixee.commandLine(), "--keystore and --keystore-password are for tls:// destinations, not I2P");
            }
            return i2p.open(options, lifetime, err);
        }
        i2p.checkUnused(mixee);
        return openTcp(options, err);
    }

    /** The announcement that the manager listens: {@code listening on DEST}, with the {@code .b32.i2p} name over I2P. */
    static String listeningOn(StreamManager manager) {
        return "listening on " + DestinationNames.full(manager.localDestination());
    }

    private StreamManager openTcp(StreamOptions options, PrintWriter err) throws IOException {
        Destination listen = tcp.listen;
        Path keyStore = tcp.keyStore;
        boolean tls = listen.scheme().equals("tls");
        if (keyStore != null && !tls) {
            throw new ParameterException(mixee.commandLine(), "--keystore is for tls:// destinations; " + listen + " is plain TCP");
        }
        if ((keyStore == null) != (tcp.keyStorePassword == null)) {
            throw new ParameterException(mixee.commandLine(), "--keystore and --keystore-password go together");
        }
        if (WILDCARDS.contains(URI.create(listen.uri()).getHost())) {
            err.println("ministreaming: warning: " + listen + " is a wildcard address: peers are told this destination and"
                    + " cannot dial it again after a lost link; give the name or address they dial");
            err.flush();
        }
        TcpTransportBuilder builder = tls ? TcpTransport.tls() : TcpTransport.plain();
        builder.listen(listen.uri()).linkBufferBytes(LINK_BUFFER_BYTES);
        try {
            builder.maxLinks(tcp.maxLinks).maxLinksPerAddress(tcp.maxLinksPerAddress)
                    .frameTimeout(Duration.ofSeconds(tcp.frameTimeoutSeconds)).idleTimeout(Duration.ofSeconds(tcp.idleTimeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--max-links and --max-links-per-address must be at least 1,"
                    + " --frame-timeout more than 0 and --link-idle-timeout 0 or more: " + e.getMessage());
        }
        if (keyStore != null) {
            builder.keyStore(keyStore, tcp.keyStorePassword);
        }
        TcpTransport transport;
        try {
            transport = builder.build();
        } catch (IOException e) {
            if (e.getCause() instanceof SocketException) {
                throw new CommandFailure(ExitCodes.CANNOT_LISTEN, e.getMessage(), e);
            }
            if (e instanceof NoSuchFileException && keyStore != null) {
                throw new IOException("cannot use the key store " + keyStore + ": no such file", e);
            }
            throw e;
        }
        transport.certificateFingerprint().ifPresent(fingerprint -> {
            err.println("certificate fingerprint (SHA-256, for --pin): " + fingerprint);
            err.flush();
        });
        return StreamManager.open(transport, options);
    }
}
