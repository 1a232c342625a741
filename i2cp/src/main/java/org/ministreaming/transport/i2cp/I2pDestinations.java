package org.ministreaming.transport.i2cp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import net.i2p.data.Base64;
import net.i2p.data.DataFormatException;
import org.ministreaming.transport.Destination;

/**
 * Converts between I2P destinations and the URIs the library prints: {@code i2p:} followed by
 * the destination in I2P's Base64 (516 characters for a classic destination), the form I2P's own
 * tools show and accept. The {@code .b32.i2p} name is for people to read; reaching a peer takes
 * the full destination, which {@link I2cpTransport#resolve} finds for a name ({@link I2pNames}).
 * Stateless and thread-safe.
 */
public final class I2pDestinations {

    /** The URI scheme of I2P destinations. */
    public static final String SCHEME = "i2p";

    /** Bytes of the smallest destination: a 256-byte public key, a 128-byte signing key, a 3-byte null certificate. */
    private static final int SMALLEST_BYTES = 387;

    static {
        // I2P's classes here make a global context on first use: let it be ours (see I2pContext).
        I2pContext.get();
    }

    private I2pDestinations() {
    }

    /**
     * The URI of an I2P destination.
     *
     * @param destination an I2P destination
     * @return {@code i2p:} and its Base64
     */
    public static Destination toUri(net.i2p.data.Destination destination) {
        return Destination.of(SCHEME + ":" + destination.toBase64());
    }

    /**
     * The I2P destination a URI names.
     *
     * @param uri an {@code i2p:} URI with a full Base64 destination
     * @return the I2P destination
     * @throws IllegalArgumentException if {@code uri} is not such a URI
     */
    public static net.i2p.data.Destination fromUri(Destination uri) {
        if (!SCHEME.equals(uri.scheme())) {
            throw new IllegalArgumentException("not an I2P destination: '" + uri + "' (expected i2p:<Base64 destination>)");
        }
        String base64 = uri.uri().substring(SCHEME.length() + 1);
        if (I2pNames.name(uri).isPresent()) {
            throw new IllegalArgumentException("'" + uri + "' is an I2P name, which only points at a destination;"
                    + " resolve it first (I2cpTransport.resolve) or give the full destination (i2p:<Base64>)");
        }
        byte[] raw = Base64.decode(base64);
        if (raw == null || raw.length < SMALLEST_BYTES) {
            throw new IllegalArgumentException("not an I2P destination: '" + abbreviate(uri.uri()) + "' ("
                    + (raw == null ? "not I2P's Base64, whose characters are letters, digits, '-' and '~'"
                            : "its Base64 gives " + raw.length + " bytes, and a destination has at least " + SMALLEST_BYTES)
                    + "); expected i2p:<Base64 destination>");
        }
        try {
            return new net.i2p.data.Destination(base64);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not an I2P destination: '" + abbreviate(uri.uri()) + "' ("
                    + e.getMessage() + "); expected i2p:<Base64 destination>", e);
        }
    }

    /**
     * The {@code .b32.i2p} name of a destination URI, for display.
     *
     * @param uri an {@code i2p:} URI
     * @return for example {@code ukeu3k5o...dnkdq.b32.i2p}
     * @throws IllegalArgumentException if {@code uri} is not an I2P destination
     */
    public static String base32(Destination uri) {
        return fromUri(uri).toBase32();
    }

    /**
     * Reads the I2P destination at the start of {@code bytes}, as a SYN payload carries it.
     *
     * @param bytes the bytes; anything after the destination is ignored
     * @param offset where the destination starts
     * @return the destination
     * @throws IOException if no whole destination is there
     */
    static net.i2p.data.Destination read(byte[] bytes, int offset) throws IOException {
        try {
            return net.i2p.data.Destination.create(new ByteArrayInputStream(bytes, offset, bytes.length - offset));
        } catch (DataFormatException | RuntimeException e) {
            throw new IOException("no I2P destination in " + (bytes.length - offset) + " bytes: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
