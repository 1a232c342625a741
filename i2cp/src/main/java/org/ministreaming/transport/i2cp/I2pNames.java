package org.ministreaming.transport.i2cp;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ministreaming.transport.Destination;

/**
 * I2P's names for destinations, as {@code i2p:} URIs: {@code i2p:NAME.b32.i2p}, the Base32 of a
 * destination's hash, and {@code i2p:HOST.i2p}, a host name in a router's address book. A name
 * only points at a destination: dialling one takes the full destination, which
 * {@link I2cpTransport#resolve} asks the router for.
 *
 * <p>Stateless and thread-safe.
 */
public final class I2pNames {

    private static final String B32_SUFFIX = ".b32.i2p";
    /** 52 Base32 characters: the 32 bytes of a SHA-256 hash. */
    private static final Pattern B32 = Pattern.compile("[a-z2-7]{52}\\.b32\\.i2p");
    /** Letters, digits and inner hyphens, in labels separated by dots, ending in {@code .i2p}. */
    private static final Pattern HOST = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+i2p");
    /** I2P's longest host name. */
    private static final int MAX_HOST_LENGTH = 67;

    private I2pNames() {
    }

    /**
     * The name an {@code i2p:} URI holds instead of a full destination, in lower case.
     *
     * @param uri any destination URI
     * @return the name, such as {@code example.i2p}, or empty if {@code uri} is not an {@code i2p:}
     *     URI ending in {@code .i2p}
     * @throws IllegalArgumentException if it ends in {@code .i2p} but is no valid name
     */
    public static Optional<String> name(Destination uri) {
        if (!I2pDestinations.SCHEME.equals(uri.scheme())) {
            return Optional.empty();
        }
        String text = uri.uri().substring(I2pDestinations.SCHEME.length() + 1);
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".i2p")) {
            return Optional.empty();
        }
        if (lower.endsWith(B32_SUFFIX) ? !B32.matcher(lower).matches()
                : lower.length() > MAX_HOST_LENGTH || !HOST.matcher(lower).matches()) {
            throw new IllegalArgumentException("'" + uri + "' is not an I2P name: expected i2p:<52 Base32 characters>.b32.i2p"
                    + " or i2p:HOST.i2p (letters, digits and hyphens, at most " + MAX_HOST_LENGTH + " characters)");
        }
        return Optional.of(lower);
    }

    /**
     * Whether {@code name} is a {@code .b32.i2p} name, which the router looks up in the network
     * database rather than in its address book.
     *
     * @param name a name as {@link #name} returns it
     */
    static boolean isBase32(String name) {
        return name.endsWith(B32_SUFFIX);
    }
}
