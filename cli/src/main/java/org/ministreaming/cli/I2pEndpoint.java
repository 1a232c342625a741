package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.I2pKeys;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The I2P options of the network commands ({@code --i2cp HOST:PORT}, which selects I2P, and
 * {@code --keys}, {@code --plain}, {@code --i2cp-option}, which need it), and the manager they
 * make: one I2CP session on the router, whose destination is this endpoint's. A picocli argument
 * group, for its own section in the help; {@link ListenEndpoint} and {@link DialEndpoint} check
 * how it fits the other options.
 *
 * <p>Not thread-safe: picocli fills one instance per run, which {@link #open} then reads.
 */
final class I2pEndpoint {

    /** The heading of the I2P options in the help. */
    static final String HEADING = "%nI2P, through a router's I2CP interface (instead of TCP):%n";

    @Option(names = "--i2cp", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Run over I2P: the I2CP address of the I2P router to use, usually 127.0.0.1:7654."
                    + " The other I2P options need it; without it, the command runs over TCP.")
    private HostPort router;

    @Option(names = "--keys", paramLabel = "FILE",
            description = "The I2P identity: a private key file in I2P's format (as keygen writes it and I2PTunnel reads it)."
                    + " Created with new keys if it does not exist, saying so on the error output."
                    + " Without it, a new destination for this run only.")
    private Path keys;

    @Option(names = "--plain",
            description = "Without the reliable delivery layer: every message travels plain, as the original implementation"
                    + " (I2P's ministreaming) sends it, and what I2P loses stays lost. Not needed to talk with the original:"
                    + " without it, every command finds out from a peer's first answer whether it speaks plain.")
    private boolean plain;

    @Option(names = "--i2cp-option", paramLabel = "NAME=VALUE", converter = SessionOption.Converter.class,
            description = "An I2CP session option for the router, such as inbound.length=0 (tunnels of zero hops,"
                    + " for a router of your own without peers); repeat it for more. They go to the router as given.")
    private List<SessionOption> sessionOptions = new ArrayList<>();

    /** Whether {@code --i2cp} was given: the command runs over I2P. */
    boolean selected() {
        return router != null;
    }

    /**
     * Checks that no I2P option was given without {@code --i2cp}.
     *
     * @param command the command, for the usage error
     * @throws ParameterException naming the first such option
     */
    void checkUnused(CommandSpec command) {
        String given = keys != null ? "--keys" : plain ? "--plain" : !sessionOptions.isEmpty() ? "--i2cp-option" : null;
        if (given != null) {
            throw new ParameterException(command.commandLine(), given + " is for I2P: add --i2cp HOST:PORT,"
                    + " the I2CP address of the router (usually 127.0.0.1:7654)");
        }
    }

    /**
     * Opens the I2CP session and starts a manager on it. Blocks until the router has built the
     * session's tunnels. The transport is owned by {@code lifetime} from the start, so that a
     * stop ends the wait (the command then exits as stopped).
     *
     * @param options the manager's options
     * @param lifetime the command's lifetime
     * @param err where the new destination is announced when {@code --keys} names no file yet
     * @return the manager
     * @throws CommandFailure with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the router cannot be
     *     reached or does not open the session
     * @throws IOException if the key file cannot be read or written
     */
    StreamManager open(StreamOptions options, Lifetime lifetime, PrintWriter err) throws IOException {
        I2cpTransportBuilder builder = I2cpTransport.builder().router(router.host(), router.port()).keys(identity(err));
        sessionOptions.forEach(option -> builder.sessionOption(option.name(), option.value()));
        return start(lifetime.own(plain ? builder.buildPlain() : builder.build()), router, options);
    }

    /**
     * Starts a manager on an I2CP transport.
     *
     * @param transport the transport, not yet started
     * @param router the router's I2CP address, for the error
     * @param options the manager's options
     * @throws CommandFailure with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the session cannot
     *     be opened; when nothing answered at {@code router}, the line says just that
     */
    static StreamManager start(Transport transport, HostPort router, StreamOptions options) throws CommandFailure {
        try {
            return StreamManager.open(transport, options);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.TRANSPORT_UNAVAILABLE, unavailable(router, e), e);
        }
    }

    private static String unavailable(HostPort router, IOException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketException || cause instanceof UnknownHostException) {
                String why = cause instanceof UnknownHostException ? "unknown host" : cause.getMessage();
                return "cannot reach the I2P router at " + router + ": " + why + " (is it running, with I2CP on that port?)";
            }
        }
        return error.getMessage();
    }

    private I2pKeys identity(PrintWriter err) throws IOException {
        if (keys == null) {
            return I2pKeys.generate();
        }
        if (Files.exists(keys)) {
            return load();
        }
        I2pKeys created = I2pKeys.generate();
        try {
            created.write(keys);
        } catch (FileAlreadyExistsException raced) {
            return load();
        } catch (IOException e) {
            throw new IOException("cannot write the key file " + keys + ": " + FileErrors.reason(e), e);
        }
        err.println("new I2P keys in " + keys + ", destination " + DestinationNames.full(created.destination()));
        err.flush();
        return created;
    }

    private I2pKeys load() throws IOException {
        if (Files.isDirectory(keys)) {
            throw new IOException("cannot read the key file " + keys + ": it is a directory");
        }
        try {
            return I2pKeys.load(keys);
        } catch (FileSystemException e) {
            throw new IOException("cannot read the key file " + keys + ": " + FileErrors.reason(e), e);
        }
    }
}
