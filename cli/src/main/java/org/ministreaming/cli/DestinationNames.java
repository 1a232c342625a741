package org.ministreaming.cli;

import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pDestinations;

/**
 * How destinations read in the command's output. An I2P destination's URI is over 500
 * characters, so where a line names a peer it gives the destination's {@code .b32.i2p} name
 * instead; where a command announces its own destination, for peers to dial, it gives both.
 *
 * <p>Stateless and thread-safe.
 */
final class DestinationNames {

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

    private static boolean isI2p(Destination destination) {
        return destination.scheme().equals(I2pDestinations.SCHEME);
    }
}
