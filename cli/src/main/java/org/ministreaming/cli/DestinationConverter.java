package org.ministreaming.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.i2cp.I2pNames;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Destinations on the command line: {@code tcp://HOST:PORT} or {@code tls://HOST:PORT}, the
 * forms another process can reach, and to dial also {@code i2p:BASE64} (a destination in I2P's Base64) or an I2P
 * name, {@code i2p:NAME.b32.i2p} or {@code i2p:HOST.i2p}, which the command resolves through the
 * router before it dials.
 * {@code mem:} destinations are refused with a clear message, since the in-memory network exists
 * only inside one process, and so is an {@code i2p:} destination to listen on, since I2P needs
 * {@code --i2cp} instead. A bad destination is a usage error.
 *
 * <p>Stateless and thread-safe. Use {@link Peer} where a destination is dialled (port 1 to
 * 65535) and {@link Listen} where one is listened on (port 0 for any free port).
 */
abstract class DestinationConverter implements ITypeConverter<Destination> {

    private static final String I2P_PREFIX = I2pDestinations.SCHEME + ":";

    private final boolean listening;

    private DestinationConverter(boolean listening) {
        this.listening = listening;
    }

    /** Reads a destination for picocli. */
    @Override
    public Destination convert(String text) {
        try {
            return parse(text, listening);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /**
     * Reads a destination.
     *
     * @param text for example {@code tcp://127.0.0.1:7000}
     * @param listening whether it is listened on (port 0 allowed, no {@code i2p:}) rather than
     *     dialled
     * @return the destination; an {@code i2p:} one in its canonical form, an I2P name in lower case
     * @throws IllegalArgumentException if it is none of the forms allowed
     */
    static Destination parse(String text, boolean listening) {
        String forms = listening ? "tcp://HOST:PORT or tls://HOST:PORT (port 0 for any free port)"
                : "tcp://HOST:PORT, tls://HOST:PORT, i2p:BASE64 (a destination in I2P's Base64), i2p:NAME.b32.i2p or i2p:HOST.i2p";
        if (text.toLowerCase(Locale.ROOT).startsWith("mem:")) {
            throw new IllegalArgumentException("'" + text + "' is on the in-memory network, which exists only inside one process;"
                    + " give " + forms);
        }
        if (text.regionMatches(true, 0, I2P_PREFIX, 0, I2P_PREFIX.length())) {
            if (listening) {
                throw new IllegalArgumentException("to listen on I2P, give --i2cp HOST:PORT, the I2CP address of the router,"
                        + " instead of --listen (and --keys FILE for a lasting destination)");
            }
            Destination given = Destination.of(I2P_PREFIX + text.substring(I2P_PREFIX.length()));
            Optional<String> name = I2pNames.name(given);
            return name.isPresent() ? Destination.of(I2P_PREFIX + name.get()) : I2pDestinations.toUri(I2pDestinations.fromUri(given));
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + forms, e);
        }
        boolean known = "tcp".equals(uri.getScheme()) || "tls".equals(uri.getScheme());
        int lowestPort = listening ? 0 : 1;
        if (!known || uri.getHost() == null || uri.getUserInfo() != null || uri.getPort() < lowestPort || uri.getPort() > 65535
                || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + text + "' is not " + forms);
        }
        return Destination.of(text);
    }

    /** A destination to dial: port 1 to 65535, or an I2P destination. Stateless and thread-safe. */
    static final class Peer extends DestinationConverter {
        /** For picocli. */
        Peer() {
            super(false);
        }
    }

    /** A destination to listen on: port 0 picks a free one. Stateless and thread-safe. */
    static final class Listen extends DestinationConverter {
        /** For picocli. */
        Listen() {
            super(true);
        }
    }
}
