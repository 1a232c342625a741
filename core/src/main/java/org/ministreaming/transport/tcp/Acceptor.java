package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The accept loop of a listening {@link TcpTransport}, and the admission of the links peers open:
 * at most {@code maxLinks} inbound links at once, and {@code maxLinksPerAddress} from one source
 * address. A link beyond either bound is closed at once and counted; the links already open carry
 * on. The loop survives whatever ends one accept, {@link OutOfMemoryError} included: it closes
 * that socket, logs the failure, waits {@value #RETRY_MILLIS} ms and accepts again.
 *
 * <p>Thread-safe: the accept thread runs {@link #run}; links {@linkplain #release release} their
 * place from their own threads.
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
    /** Guarded by {@code this}. */
    private int admitted;
    /** Whether the last link was refused, so a run of refusals is logged once. Guarded by {@code this}. */
    private boolean refusing;
    private final AtomicLong refused = new AtomicLong();

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

    /** Inbound links refused so far because a bound was reached. */
    long refused() {
        return refused.get();
    }

    /** Inbound links admitted and not yet ended. */
    synchronized int admitted() {
        return admitted;
    }

    /** Gives back an inbound link's place, once; for a link that ended or never started. */
    void release(Link link) {
        if (!link.releaseAdmission()) {
            return;
        }
        InetAddress address = link.remoteAddress().getAddress();
        synchronized (this) {
            admitted--;
            perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    private boolean admit(Link link) {
        InetAddress address = link.remoteAddress().getAddress();
        String refusal;
        synchronized (this) {
            int fromAddress = perAddress.getOrDefault(address, 0);
            if (admitted < maxLinks && fromAddress < maxPerAddress) {
                admitted++;
                perAddress.put(address, fromAddress + 1);
                link.markAdmitted();
                refusing = false;
                return true;
            }
            refusal = refusing ? null : admitted >= maxLinks
                    ? maxLinks + " links are open (maxLinks)"
                    : fromAddress + " links from " + address.getHostAddress() + " are open (maxLinksPerAddress)";
            refusing = true;
        }
        refused.incrementAndGet();
        if (refusal != null) {
            LOG.log(Level.WARNING, () -> transport.localDestination() + " refuses new links: " + refusal
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
