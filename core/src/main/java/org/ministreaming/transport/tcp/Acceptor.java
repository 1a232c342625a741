package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.ministreaming.transport.TransportThreads;

/**
 * The accept loop of a listening {@link TcpTransport}, and the admission of the links peers open:
 * at most {@code maxLinks} inbound links at once, and {@code maxLinksPerAddress} from one source
 * address. A link beyond the per-address bound is closed at once and counted. At the bound in
 * all, the oldest link over which this side has sent nothing (so it carries nothing of ours) is
 * evicted to make room, so idle links from many addresses cannot lock out a new peer; if every
 * link carries something of ours, the new one is refused. The links in use carry on. The loop
 * survives whatever ends one accept, {@link OutOfMemoryError} included: it closes that socket,
 * logs the failure, waits {@value #RETRY_MILLIS} ms and accepts again.
 *
 * <p>Thread-safe: the accept thread ({@link #start}) runs {@link #run}; links
 * {@linkplain #release release} their place from their own threads; {@link #stop} may be called
 * from any thread.
 */
final class Acceptor implements Runnable {

    /** Seam for tests: runs on the accept thread for every socket accepted, before its admission. */
    @FunctionalInterface
    interface Hook {
        /** Does nothing. */
        Hook NONE = socket -> { };

        void accepted(Socket socket) throws IOException;
    }

    /** How long the loop waits after a failure before it accepts again. */
    static final long RETRY_MILLIS = 100;

    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());

    private final TcpTransport transport;
    private final ServerSocket server;
    private final int maxLinks;
    private final int maxPerAddress;
    private final Hook hook;
    /** Inbound links admitted and not yet released, by source address. Guarded by {@code this}. */
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    /** The same links, oldest first, for eviction. Guarded by {@code this}. */
    private final Set<Link> admittedLinks = new LinkedHashSet<>();
    /** Whether the last link was refused, so a run of refusals is logged once. Guarded by {@code this}. */
    private boolean refusing;
    /** Guarded by {@code this}: whether the last link admitted evicted another, so a run of evictions is logged once. */
    private boolean evicting;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private volatile Thread thread;

    Acceptor(TcpTransport transport, ServerSocket server, int maxLinks, int maxPerAddress, Hook hook) {
        this.transport = transport;
        this.server = server;
        this.maxLinks = maxLinks;
        this.maxPerAddress = maxPerAddress;
        this.hook = hook;
    }

    @Override
    public void run() {
        while (!transport.isClosed()) {
            Socket accepted = null;
            Link link = null;
            try {
                accepted = server.accept();
                hook.accepted(accepted);
                link = transport.inbound(accepted);
                if (admit(link)) {
                    transport.startInbound(link);
                } else {
                    accepted.close();
                }
            } catch (Throwable e) {
                // Whatever it was (a socket error, no memory, no thread), it costs this link only.
                if (link != null) {
                    link.fail(new IOException("it could not be started: " + e, e));
                    release(link);
                }
                close(accepted);
                if (!transport.isClosed()) {
                    LOG.log(Level.WARNING, "accepting a link at " + transport.localDestination() + " failed; accepting again in "
                            + RETRY_MILLIS + " ms", e);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
                }
            }
        }
    }

    /** Starts the accept thread, {@code ministreaming-tcp-accept-} and the local destination. Once. */
    void start() {
        Thread started = new Thread(this, "ministreaming-tcp-accept-" + transport.localDestination());
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /** Closes the server socket, which ends the accept loop, and joins the accept thread if it started. Idempotent. */
    void stop() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the server socket of " + transport.localDestination() + " failed: " + e.getMessage());
        }
        TransportThreads.joinUninterruptibly(thread);
    }

    /** Inbound links refused so far because a bound was reached. */
    long refused() {
        return refused.get();
    }

    /** Inbound links evicted so far, at the bound in all, because they carried nothing of ours. */
    long evicted() {
        return evicted.get();
    }

    /** Inbound links admitted and not yet ended. */
    synchronized int admitted() {
        return admittedLinks.size();
    }

    /** Gives back an inbound link's place, once; for a link that ended or never started. */
    void release(Link link) {
        if (link.releaseAdmission()) {
            synchronized (this) {
                forget(link);
            }
        }
    }

    /** Drops an admitted link from the counts; does nothing if it was dropped already. */
    private void forget(Link link) {
        if (admittedLinks.remove(link)) {
            perAddress.computeIfPresent(link.remoteAddress().getAddress(), (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Admits {@code link}, evicting an unused link at the bound in all; or refuses it, counted and logged once per run. */
    private boolean admit(Link link) {
        InetAddress address = link.remoteAddress().getAddress();
        Link victim = null;
        String refusal = null;
        boolean logRefusal = false;
        boolean logEviction = false;
        synchronized (this) {
            int fromAddress = perAddress.getOrDefault(address, 0);
            if (fromAddress >= maxPerAddress) {
                refusal = fromAddress + " links from " + address.getHostAddress() + " are open (maxLinksPerAddress)";
            } else if (admittedLinks.size() >= maxLinks) {
                victim = admittedLinks.stream().filter(open -> !open.hasSent()).findFirst().orElse(null);
                if (victim == null) {
                    refusal = maxLinks + " links are open (maxLinks), each carrying something of ours";
                } else {
                    victim.releaseAdmission();
                    forget(victim);
                    logEviction = !evicting;
                }
            }
            if (refusal == null) {
                admittedLinks.add(link);
                perAddress.merge(address, 1, Integer::sum);
                link.markAdmitted();
                refusing = false;
                evicting = victim != null;
            } else {
                logRefusal = !refusing;
                refusing = true;
            }
        }
        if (victim != null) {
            evicted.incrementAndGet();
            // Not the peer's fault, and under a siege a line each: the run is logged once below.
            victim.fail(new IOException("evicted to make room for a new link: " + maxLinks
                    + " links are open (maxLinks) and this one carried nothing of ours"));
            if (logEviction) {
                LOG.log(Level.WARNING, () -> transport.localDestination() + " evicts links that carry nothing of ours to make room"
                        + " for new ones: " + maxLinks + " links are open (maxLinks); logged once until a link is admitted"
                        + " without evicting another");
            }
        }
        if (refusal == null) {
            return true;
        }
        refused.incrementAndGet();
        if (logRefusal) {
            String why = refusal;
            LOG.log(Level.WARNING, () -> transport.localDestination() + " refuses new links: " + why
                    + "; logged once until one is admitted again");
        }
        return false;
    }

    private static void close(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException | RuntimeException e) {
            // closed either way
        }
    }
}
