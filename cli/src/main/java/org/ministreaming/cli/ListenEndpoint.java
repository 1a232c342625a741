package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.tcp.TcpTransport;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of a command that listens for ministreaming connections ({@code --listen DEST},
 * and for TLS {@code --keystore FILE --keystore-password PW}), and the manager they make.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which {@link #open} then reads.
 */
final class ListenEndpoint {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--listen", required = true, paramLabel = "DEST", converter = DestinationConverter.Listen.class,
            description = {"Where to listen: tcp://HOST:PORT, or tls://HOST:PORT for TLS 1.3; port 0 picks a free one.",
                "Give the name or address peers dial, not 0.0.0.0: peers are told this destination."})
    private Destination listen;

    @Option(names = "--keystore", paramLabel = "FILE",
            description = "tls:// only: a PKCS12 file holding the one key to present. Without it, a new self-signed key is made.")
    private Path keyStore;

    @Option(names = "--keystore-password", paramLabel = "PW", arity = "1",
            description = "The password of the --keystore file and of its key.")
    private char[] keyStorePassword;

    /**
     * Binds the destination and starts a manager on it. For TLS, prints the certificate's
     * fingerprint on {@code err} first, for peers to pin.
     *
     * @param options the manager's options
     * @param err where the fingerprint goes
     * @return the manager, listening
     * @throws ParameterException if the TLS options do not fit the destination
     * @throws CommandFailure with {@link ExitCodes#CANNOT_LISTEN} if the address cannot be bound
     * @throws IOException if the key store cannot be read or holds no single key, or the manager
     *     cannot start
     */
    StreamManager open(StreamOptions options, PrintWriter err) throws IOException {
        boolean tls = listen.scheme().equals("tls");
        if (keyStore != null && !tls) {
            throw new ParameterException(mixee.commandLine(), "--keystore is for tls:// destinations; " + listen + " is plain TCP");
        }
        if ((keyStore == null) != (keyStorePassword == null)) {
            throw new ParameterException(mixee.commandLine(), "--keystore and --keystore-password go together");
        }
        TcpTransport.Builder builder = tls ? TcpTransport.tls() : TcpTransport.plain();
        builder.listen(listen.uri());
        if (keyStore != null) {
            builder.keyStore(keyStore, keyStorePassword);
        }
        TcpTransport transport;
        try {
            transport = builder.build();
        } catch (IOException e) {
            if (e.getCause() instanceof SocketException) {
                throw new CommandFailure(ExitCodes.CANNOT_LISTEN, e.getMessage(), e);
            }
            if (keyStore != null) {
                throw new IOException("cannot use the key store " + keyStore + ": "
                        + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), e);
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
