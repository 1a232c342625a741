package org.ministreaming.i2p;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pDestinations;

/**
 * How the I2P destinations that I2P's interfaces speak of ({@link net.i2p.data.Destination}) map
 * to ministreaming destinations and back. Over I2CP the two are the same destination
 * ({@link #i2cp()}); over any other transport (in-memory, TCP) each endpoint is given an I2P
 * destination to be known by ({@link #table}).
 *
 * <p>Implementations must be thread-safe; those here are immutable.
 */
public interface I2pAddressing {

    /**
     * The ministreaming destination that {@code destination} names.
     *
     * @throws IllegalArgumentException if it names none
     */
    Destination fromI2p(net.i2p.data.Destination destination);

    /**
     * The I2P destination by which {@code destination} is known.
     *
     * @throws IllegalArgumentException if it has none
     */
    net.i2p.data.Destination toI2p(Destination destination);

    /** Over I2CP: {@code i2p:<Base64>} and the I2P destination it carries. */
    static I2pAddressing i2cp() {
        return new I2pAddressing() {
            @Override
            public Destination fromI2p(net.i2p.data.Destination destination) {
                return I2pDestinations.toUri(destination);
            }

            @Override
            public net.i2p.data.Destination toI2p(Destination destination) {
                return I2pDestinations.fromUri(destination);
            }
        };
    }

    /**
     * Over another transport: each ministreaming destination in {@code names} is known by the I2P
     * destination it maps to (for example one of {@code I2pKeys.generate()}). Both directions
     * must be one to one. The map is copied.
     *
     * @throws IllegalArgumentException if two destinations share an I2P destination
     */
    static I2pAddressing table(Map<Destination, net.i2p.data.Destination> names) {
        Map<Destination, net.i2p.data.Destination> toI2p = Map.copyOf(names);
        Map<net.i2p.data.Destination, Destination> fromI2p = new HashMap<>();
        toI2p.forEach((destination, i2p) -> {
            if (fromI2p.put(i2p, destination) != null) {
                throw new IllegalArgumentException("two destinations are known by the same I2P destination " + i2p.toBase32());
            }
        });
        return new I2pAddressing() {
            @Override
            public Destination fromI2p(net.i2p.data.Destination destination) {
                Destination found = fromI2p.get(Objects.requireNonNull(destination, "destination"));
                if (found == null) {
                    throw new IllegalArgumentException("no ministreaming destination is known by " + destination.toBase32());
                }
                return found;
            }

            @Override
            public net.i2p.data.Destination toI2p(Destination destination) {
                net.i2p.data.Destination found = toI2p.get(Objects.requireNonNull(destination, "destination"));
                if (found == null) {
                    throw new IllegalArgumentException(destination + " is known by no I2P destination");
                }
                return found;
            }
        };
    }
}
