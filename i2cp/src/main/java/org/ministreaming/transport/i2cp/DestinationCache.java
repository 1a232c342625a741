package org.ministreaming.transport.i2cp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ministreaming.transport.Destination;

/**
 * Remembers the conversions between URIs and I2P destinations, so that a message does not pay
 * for Base64 each time. Holds at most {@link #CAPACITY} of each and starts afresh when full.
 * Thread-safe.
 */
final class DestinationCache {

    static final int CAPACITY = 4096;

    private final Map<Destination, net.i2p.data.Destination> byUri = new ConcurrentHashMap<>();
    private final Map<net.i2p.data.Destination, Destination> byI2p = new ConcurrentHashMap<>();

    /** The I2P destination of a URI; see {@link I2pDestinations#fromUri}. */
    net.i2p.data.Destination i2p(Destination uri) {
        net.i2p.data.Destination known = byUri.get(uri);
        if (known != null) {
            return known;
        }
        net.i2p.data.Destination parsed = I2pDestinations.fromUri(uri);
        if (byUri.size() >= CAPACITY) {
            byUri.clear();
        }
        byUri.put(uri, parsed);
        return parsed;
    }

    /** Forgets the conversions of {@code uri}, both ways. */
    void forget(Destination uri) {
        net.i2p.data.Destination known = byUri.remove(uri);
        if (known != null) {
            byI2p.remove(known, uri);
        }
    }

    /** The URI of an I2P destination. */
    Destination uri(net.i2p.data.Destination destination) {
        Destination known = byI2p.get(destination);
        if (known != null) {
            return known;
        }
        Destination uri = I2pDestinations.toUri(destination);
        if (byI2p.size() >= CAPACITY) {
            byI2p.clear();
        }
        byI2p.put(destination, uri);
        return uri;
    }
}
