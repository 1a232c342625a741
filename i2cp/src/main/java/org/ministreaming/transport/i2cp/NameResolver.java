package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;

/**
 * Looks I2P names up through a router's session ({@code I2PSession.lookupDest}) and remembers
 * what it found: at most {@value #CAPACITY} names, the least recently used forgotten first.
 * Names not found are not remembered, so a later try asks the router again.
 *
 * <p>The question is asked in slices, the first {@link #FIRST_TRY} long, each twice the one
 * before, until the timeout: I2P 2.7.0's client library sends a host lookup and only then starts
 * waiting for the answer, without looking whether it came meanwhile, so an answer that arrives
 * in between is seen only when the whole wait is over (a connect once waited its full three
 * minutes on a local router). An answer that comes before its slice ends is final: found, or
 * not found.
 *
 * <p>Thread-safe: the cache is guarded by this object's lock, which is never held while the
 * router is asked.
 */
final class NameResolver {

    static final int CAPACITY = 256;

    /** The first slice of a lookup. */
    static final Duration FIRST_TRY = Duration.ofSeconds(1);

    private final String router;
    private final long firstTryMillis;
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
        this(router, FIRST_TRY);
    }

    NameResolver(String router, Duration firstTry) {
        this.router = router;
        this.firstTryMillis = Math.max(1, firstTry.toMillis());
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
        long start = System.nanoTime();
        Reply reply;
        try {
            reply = ask(session, name, timeout);
        } catch (I2PSessionException e) {
            throw new IOException("looking up " + name + " through the I2P router at " + router + " failed: " + e.getMessage(), e);
        }
        net.i2p.data.Destination answer = reply.destination();
        if (answer == null) {
            throw new UnknownHostException(reply.answered()
                    ? unknown(name, "answered after " + seconds(System.nanoTime() - start) + " that its lookup found none")
                    : unknown(name, "had no answer within " + timeout.toSeconds() + " s"));
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

    /**
     * What the router said: a destination, or {@code null}; {@code answered} whether it said so
     * before the wait ended (a "not found" of its own: a router that knows no floodfill peers, such
     * as one without network, says so at once, its network database having no one to ask), rather
     * than the wait running out.
     */
    private record Reply(net.i2p.data.Destination destination, boolean answered) {
    }

    private Reply ask(I2PSession session, String name, Duration timeout) throws I2PSessionException {
        long deadline = System.nanoTime() + I2cpTransportBuilder.capped(timeout).toNanos();
        long slice = firstTryMillis;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 && slice > firstTryMillis) {
                return new Reply(null, false);
            }
            long wait = Math.max(1, Math.min(slice, left));
            long start = System.nanoTime();
            net.i2p.data.Destination answer = session.lookupDest(name, wait);
            boolean answered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < wait;
            if (answer != null || answered || left <= wait) {
                return new Reply(answer, answer != null || answered);
            }
            slice *= 2;
        }
    }

    /** How many names are remembered. */
    synchronized int size() {
        return found.size();
    }

    /** Why {@code name} is unknown; {@code what} says what the router did, for a {@code .b32.i2p} name. */
    private String unknown(String name, String what) {
        if (I2pNames.isBase32(name)) {
            return "unknown I2P name " + name + ": the I2P router at " + router + " found no lease set for it (it " + what
                    + "; is that destination online? A router without peers finds only lease sets it was given)";
        }
        return "unknown I2P host name " + name + ": the I2P router at " + router
                + " has no such name in its address book (hosts.txt in the router's directory)";
    }

    /** {@code nanos} as {@code 12 ms} under a second, else in seconds with one decimal, such as {@code 2.9 s}. */
    private static String seconds(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
