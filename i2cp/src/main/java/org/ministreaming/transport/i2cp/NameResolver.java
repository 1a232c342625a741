package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;

/**
 * Looks I2P names up through a router's session ({@code I2PSession.lookupDest}) and remembers
 * what it found: at most {@value #CAPACITY} names, the least recently used forgotten first.
 * Names not found are not remembered, so a later try asks the router again.
 *
 * <p>Thread-safe: the cache is guarded by this object's lock, which is never held while the
 * router is asked.
 */
final class NameResolver {

    static final int CAPACITY = 256;

    private final String router;
    /** Guarded by {@code this}; in access order. */
    private final Map<String, net.i2p.data.Destination> found = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, net.i2p.data.Destination> eldest) {
            return size() > CAPACITY;
        }
    };

    /** @param router the router's I2CP address, for messages */
    NameResolver(String router) {
        this.router = router;
    }

    /**
     * The destination {@code name} points at, from the cache or the router.
     *
     * @param session the open session to ask through
     * @param name a name as {@link I2pNames#name} returns it
     * @param timeout how long the router may take
     * @throws UnknownHostException if the router does not know the name
     * @throws IOException if the lookup failed, or the router answered with another destination
     *     than a {@code .b32.i2p} name's hash
     */
    net.i2p.data.Destination resolve(I2PSession session, String name, Duration timeout) throws IOException {
        synchronized (this) {
            net.i2p.data.Destination known = found.get(name);
            if (known != null) {
                return known;
            }
        }
        net.i2p.data.Destination answer;
        try {
            answer = session.lookupDest(name, Math.max(1, timeout.toMillis()));
        } catch (I2PSessionException e) {
            throw new IOException("looking up " + name + " through the I2P router at " + router + " failed: " + e.getMessage(), e);
        }
        if (answer == null) {
            throw new UnknownHostException(unknown(name, timeout));
        }
        if (I2pNames.isBase32(name) && !answer.toBase32().equals(name)) {
            throw new IOException("the I2P router at " + router + " answered the lookup of " + name
                    + " with another destination, " + answer.toBase32());
        }
        synchronized (this) {
            found.put(name, answer);
        }
        return answer;
    }

    /** How many names are remembered. */
    synchronized int size() {
        return found.size();
    }

    private String unknown(String name, Duration timeout) {
        if (I2pNames.isBase32(name)) {
            return "unknown I2P name " + name + ": the I2P router at " + router + " found no lease set for it within "
                    + timeout.toSeconds() + " s (is that destination online? A router without peers finds only lease sets it"
                    + " was given)";
        }
        return "unknown I2P host name " + name + ": the I2P router at " + router
                + " has no such name in its address book (hosts.txt in the router's directory)";
    }
}
