package org.ministreaming.transport;

import java.net.URI;
import java.util.Objects;

/**
 * The address of a transport endpoint, printed as a URI such as {@code mem:alice},
 * {@code tcp://host:port} or {@code i2p:...}. Two destinations are equal when their URIs are.
 *
 * <p>Immutable and thread-safe.
 */
public final class Destination {

    private final String uri;

    private Destination(String uri) {
        this.uri = uri;
    }

    /**
     * Parses a destination URI. Only the syntax is checked here; whether a transport can reach
     * it is the transport's business.
     *
     * @param uri an absolute URI with a scheme, for example {@code mem:alice}
     * @return the destination
     * @throws IllegalArgumentException if {@code uri} is not an absolute URI
     */
    public static Destination of(String uri) {
        Objects.requireNonNull(uri, "uri");
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a destination URI: '" + uri + "' (" + e.getReason() + ")", e);
        }
        if (parsed.getScheme() == null) {
            throw new IllegalArgumentException("a destination needs a scheme, like mem:alice or tcp://host:port; got '" + uri + "'");
        }
        return new Destination(uri);
    }

    /** The scheme, for example {@code mem}. */
    public String scheme() {
        return uri.substring(0, uri.indexOf(':'));
    }

    /** The URI. */
    public String uri() {
        return uri;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Destination that && uri.equals(that.uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    /** The URI. */
    @Override
    public String toString() {
        return uri;
    }
}
