package org.ministreaming.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pDestinations;

/**
 * How destinations read in the command's output. An I2P destination's URI is over 500
 * characters, so where a line names a peer it gives the destination's {@code .b32.i2p} name
 * instead, also inside the library's error messages; where a command announces its own
 * destination, for peers to dial, it gives both.
 *
 * <p>Stateless and thread-safe.
 */
final class DestinationNames {

    /** An {@code i2p:} URI in a message: I2P's Base64 alphabet, with padding. */
    private static final Pattern I2P_URI = Pattern.compile(I2pDestinations.SCHEME + ":[A-Za-z0-9~-]+=*");

    private DestinationNames() {
    }

    /**
     * A destination as peers dial it: an I2P destination as its URI followed by its
     * {@code .b32.i2p} name in parentheses, any other as its URI.
     */
    static String full(Destination destination) {
        return isI2p(destination) ? destination + " (" + I2pDestinations.base32(destination) + ")" : destination.uri();
    }

    /** A destination in a line about it: an I2P destination by its {@code .b32.i2p} name, any other by its URI. */
    static String brief(Destination destination) {
        return isI2p(destination) ? I2pDestinations.base32(destination) : destination.uri();
    }

    /**
     * A message with every I2P destination URI in it replaced by the destination's
     * {@code .b32.i2p} name, for one-line errors: the library's messages name peers by their URI.
     *
     * @param message a message, or {@code null}
     * @return the message, shortened; {@code null} for {@code null}
     */
    static String shorten(String message) {
        if (message == null || !message.contains(I2pDestinations.SCHEME + ":")) {
            return message;
        }
        return I2P_URI.matcher(message).replaceAll(match -> {
            try {
                return I2pDestinations.base32(Destination.of(match.group()));
            } catch (IllegalArgumentException notADestination) {
                return Matcher.quoteReplacement(match.group());
            }
        });
    }

    private static boolean isI2p(Destination destination) {
        return destination.scheme().equals(I2pDestinations.SCHEME);
    }
}
