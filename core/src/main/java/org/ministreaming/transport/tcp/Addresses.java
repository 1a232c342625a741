package org.ministreaming.transport.tcp;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import org.ministreaming.transport.Destination;

/**
 * The destination forms of the TCP transport, for scheme {@code tcp} or {@code tls}:
 * <ul>
 *   <li>{@code SCHEME://HOST:PORT}: an endpoint that listens there. The only form that can be
 *       dialled.</li>
 *   <li>{@code SCHEME:-}: this endpoint when it does not listen.</li>
 *   <li>{@code SCHEME://-@ADDR:PORT}: a link opened by a peer that is known only by that link,
 *       named after the link's remote socket address. It cannot be dialled.</li>
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
final class Addresses {

    private Addresses() {
    }

    /**
     * The host and port of a destination that can be dialled, unresolved.
     *
     * @param allowAnyPort whether port 0 is allowed, as when naming where to listen
     * @throws IllegalArgumentException if it is not {@code SCHEME://HOST:PORT}
     */
    static InetSocketAddress hostAndPort(String uri, String scheme, boolean allowAnyPort) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: '" + uri + "'", e);
        }
        int lowestPort = allowAnyPort ? 0 : 1;
        if (!scheme.equals(parsed.getScheme()) || parsed.getHost() == null || parsed.getUserInfo() != null
                || parsed.getPort() < lowestPort || parsed.getPort() > 65535 || !parsed.getRawPath().isEmpty()
                || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + uri + "' is not " + scheme + "://HOST:PORT"
                    + (allowAnyPort ? " (port 0 for any free port)" : " with a port from 1 to 65535"));
        }
        return InetSocketAddress.createUnresolved(host(parsed.getHost()), parsed.getPort());
    }

    /**
     * The address to dial for {@code to}.
     *
     * @throws ConnectException if {@code to} is not {@code SCHEME://HOST:PORT}, naming why
     */
    static InetSocketAddress dialable(Destination to, String scheme) throws ConnectException {
        try {
            return hostAndPort(to.uri(), scheme, false);
        } catch (IllegalArgumentException e) {
            throw new ConnectException("cannot dial " + to + ": " + (to.uri().startsWith(scheme + "://" + Frames.NOT_LISTENING + "@")
                    ? "that peer does not listen, and the link it opened has ended" : e.getMessage()));
        }
    }

    /** {@code SCHEME://HOST:PORT}, with brackets around an IPv6 host. */
    static Destination listening(String scheme, String host, int port) {
        return Destination.of(scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
    }

    /** {@code SCHEME:-}, the destination of an endpoint that does not listen. */
    static Destination notListening(String scheme) {
        return Destination.of(scheme + ":" + Frames.NOT_LISTENING);
    }

    /** {@code SCHEME://-@ADDR:PORT}, the name of a link known only by its remote address. */
    static Destination anonymous(String scheme, InetSocketAddress remote) {
        String address = remote.getAddress().getHostAddress();
        int scope = address.indexOf('%');
        if (scope >= 0) {
            address = address.substring(0, scope);
        }
        return Destination.of(scheme + "://" + Frames.NOT_LISTENING + "@"
                + (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + remote.getPort());
    }

    /** A URI host without the brackets of an IPv6 literal. */
    private static String host(String uriHost) {
        return uriHost.startsWith("[") && uriHost.endsWith("]") ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
    }
}
