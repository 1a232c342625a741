package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.I2pKeys;
import org.ministreaming.transport.i2cp.I2pNames;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

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

    @Option(names = "--i2cp-timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "How long to wait for the router to open the session and build its tunnels, and to look up an I2P name,"
                    + " before giving up (exit code 7, or 9 for a name it does not know). Default: 180.")
    private Duration timeout;

    /** The I2CP transport under the manager {@link #open} made; {@code null} before. */
    private I2cpTransport opened;

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
        String given = keys != null ? "--keys" : plain ? "--plain" : !sessionOptions.isEmpty() ? "--i2cp-option"
                : timeout != null ? "--i2cp-timeout" : null;
        if (given != null) {
            throw new ParameterException(command.commandLine(), given + " is for I2P: add --i2cp HOST:PORT,"
                    + " the I2CP address of the router (usually 127.0.0.1:7654)");
        }
    }

    /**
     * Opens the I2CP session and starts a manager on it. Blocks until the router has built the
     * session's tunnels, saying so on {@code err} when that takes a while, for at most
     * {@code --i2cp-timeout}. The transport is owned by {@code lifetime} from the start, so that a
     * stop ends the wait (the command then exits as stopped).
     *
     * @param options the manager's options
     * @param lifetime the command's lifetime
     * @param err where the new destination is announced when {@code --keys} names no file yet,
     *     and the progress goes
     * @return the manager
     * @throws CommandFailure with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the router cannot be
     *     reached, does not open the session, or does not build its tunnels in time
     * @throws IOException if the key file cannot be read or written
     */
    StreamManager open(StreamOptions options, Lifetime lifetime, PrintWriter err) throws IOException {
        I2cpTransportBuilder builder = I2cpTransport.builder().router(router.host(), router.port()).keys(identity(err))
                .openTimeout(timeout());
        sessionOptions.forEach(option -> builder.sessionOption(option.name(), option.value()));
        I2cpTransport i2cp = builder.buildPlain();
        StreamManager manager = start(i2cp, lifetime.own(plain ? i2cp : builder.withReliableLayer(i2cp)), router, options, err);
        opened = i2cp;
        return manager;
    }

    /**
     * The full destination to dial for {@code peer}: {@code peer} itself, or for an I2P name the
     * destination the router finds for it, saying so on {@code err} when that takes a while. Call
     * it after {@link #open}.
     *
     * @param peer the destination given on the command line
     * @param err where the progress goes
     * @throws CommandFailure with {@link ExitCodes#UNKNOWN_NAME} if the router does not know the
     *     name, or {@link ExitCodes#TRANSPORT_UNAVAILABLE} if it could not be asked
     */
    Destination resolve(Destination peer, PrintWriter err) throws CommandFailure {
        if (I2pNames.name(peer).isEmpty()) {
            return peer;
        }
        try (WaitProgress progress = WaitProgress.start(err, "the I2P router at " + router + " to look up " + peer, timeout())) {
            return opened.resolve(peer, timeout());
        } catch (UnknownHostException e) {
            throw new CommandFailure(ExitCodes.UNKNOWN_NAME, e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.TRANSPORT_UNAVAILABLE, e.getMessage(), e);
        }
    }

    /**
     * Starts a manager on an I2CP transport, saying on {@code err} what it waits for when the
     * router takes a while to build the session's tunnels.
     *
     * @param i2cp the I2CP transport, not yet started
     * @param transport the transport the manager runs on: {@code i2cp}, or a layer over it
     * @param router the router's I2CP address, for the error
     * @param options the manager's options
     * @param err where the progress goes
     * @throws CommandFailure with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the session cannot
     *     be opened in time; when nothing answered at {@code router}, the line says just that
     */
    static StreamManager start(I2cpTransport i2cp, Transport transport, HostPort router, StreamOptions options, PrintWriter err)
            throws CommandFailure {
        String what = "the I2P router at " + router + " to open a session for " + i2cp.base32() + " and build its tunnels";
        try (WaitProgress progress = WaitProgress.start(err, what, i2cp.openTimeout())) {
            return StreamManager.open(transport, options);
        } catch (SocketTimeoutException e) {
            throw new CommandFailure(ExitCodes.TRANSPORT_UNAVAILABLE, e.getMessage() + "; wait longer with --i2cp-timeout SECONDS", e);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.TRANSPORT_UNAVAILABLE, unavailable(router, e), e);
        }
    }

    private Duration timeout() {
        return timeout != null ? timeout : I2cpTransportBuilder.DEFAULT_OPEN_TIMEOUT;
    }

    /** A whole number of seconds, at least 1, for picocli. Stateless and thread-safe. */
    static final class Seconds implements ITypeConverter<Duration> {
        /** Anything else is a usage error. */
        @Override
        public Duration convert(String text) {
            try {
                long seconds = Long.parseLong(text);
                if (seconds >= 1 && seconds <= Integer.MAX_VALUE) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException e) {
                // Reported below, with the other bad values.
            }
            throw new TypeConversionException("'" + text + "' is not a whole number of seconds from 1 up");
        }
    }

    private static String unavailable(HostPort router, IOException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketException || cause instanceof UnknownHostException) {
                String why = cause instanceof UnknownHostException ? "unknown host" : Reasons.of(cause);
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
