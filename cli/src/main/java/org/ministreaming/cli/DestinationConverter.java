package org.ministreaming.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.ministreaming.transport.Destination;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Destinations on the command line: {@code tcp://HOST:PORT} or {@code tls://HOST:PORT}, the
 * forms another process can reach. {@code mem:} destinations are refused with a clear message,
 * since the in-memory network exists only inside one process. A bad destination is a usage
 * error.
 *
 * <p>Stateless and thread-safe. Use {@link Peer} where a destination is dialled (port 1 to
 * 65535) and {@link Listen} where one is listened on (port 0 for any free port).
 */
abstract class DestinationConverter implements ITypeConverter<Destination> {

    private final boolean anyPort;

    private DestinationConverter(boolean anyPort) {
        this.anyPort = anyPort;
    }

    /** Reads a destination for picocli. */
    @Override
    public Destination convert(String text) {
        try {
            return parse(text, anyPort);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /**
     * Reads a destination.
     *
     * @param text for example {@code tcp://127.0.0.1:7000}
     * @param anyPort whether port 0 is allowed
     * @return the destination
     * @throws IllegalArgumentException if it is not {@code tcp://HOST:PORT} or {@code tls://HOST:PORT}
     */
    static Destination parse(String text, boolean anyPort) {
        String forms = "tcp://HOST:PORT or tls://HOST:PORT" + (anyPort ? " (port 0 for any free port)" : "");
        if (text.toLowerCase(Locale.ROOT).startsWith("mem:")) {
            throw new IllegalArgumentException("'" + text + "' is on the in-memory network, which exists only inside one process;"
                    + " give " + forms);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + forms, e);
        }
        boolean known = "tcp".equals(uri.getScheme()) || "tls".equals(uri.getScheme());
        int lowestPort = anyPort ? 0 : 1;
        if (!known || uri.getHost() == null || uri.getUserInfo() != null || uri.getPort() < lowestPort || uri.getPort() > 65535
                || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + text + "' is not " + forms);
        }
        return Destination.of(text);
    }

    /** A destination to dial: port 1 to 65535. Stateless and thread-safe. */
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
