package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ministreaming.transport.Destination;

/**
 * A transport's links by the peer name the receiver hears: opening, open, or failed and about to
 * leave. Sends find their link here; an inbound link gets its name here after its hello.
 *
 * <p>Thread-safe: a concurrent map, each change one atomic step.
 */
final class LinkNames {

    private static final System.Logger LOG = System.getLogger(LinkNames.class.getName());

    private final Map<Destination, Link> links = new ConcurrentHashMap<>();

    /** The link named {@code peer}, or {@code null}. */
    Link get(Destination peer) {
        return links.get(peer);
    }

    /**
     * The link known by {@code peer}, for a sender that does not dial.
     *
     * @throws IOException if there is none
     */
    Link require(Destination peer) throws IOException {
        Link link = get(peer);
        if (link == null) {
            throw new IOException("no link to " + peer + " is open");
        }
        return link;
    }

    /** Names {@code link} {@code peer} unless another link has that name; returns that other link, or {@code null}. */
    Link claim(Destination peer, Link link) {
        return links.putIfAbsent(peer, link);
    }

    /**
     * Decides the name of an inbound link after its hello: the destination the hello names, if
     * names may be believed (plain TCP) and no other link has that name; otherwise the link's
     * remote address.
     *
     * @throws IOException if another link from the same remote address is still registered
     */
    Destination register(Link link, String announced, boolean believeHello) throws IOException {
        if (believeHello && !announced.equals(Frames.NOT_LISTENING)) {
            Destination claimed = Destination.of(announced);
            if (claim(claimed, link) == null) {
                return claimed;
            }
            LOG.log(Level.INFO, () -> "link " + link + " names " + claimed + ", which has a link already; it stays known by its address");
        }
        Destination anonymous = link.peer();
        if (claim(anonymous, link) != null) {
            throw new IOException("another link from " + anonymous + " is still open");
        }
        return anonymous;
    }

    /** Drops {@code link}'s name, if it still has it: later sends to its peer dial a new link. */
    void unregister(Link link) {
        links.remove(link.peer(), link);
    }

    /** Retires the link named {@code peer} if it is idle, and drops its name. */
    void retireIfIdle(Destination peer) {
        Link link = links.get(peer);
        if (link != null && link.retireIfIdle()) {
            links.remove(peer, link);
        }
    }

    /** The names that have a link now. */
    Set<Destination> peers() {
        return Set.copyOf(links.keySet());
    }

    void clear() {
        links.clear();
    }
}
