package org.ministreaming.transport.tcp;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The bytes queued for sending over all links of one transport together, and their bound. Each
 * link's queue is bounded on its own ({@link TcpTransportBuilder#sendQueueBytes}); this bounds
 * their sum, so that many peers that stop reading cannot hold the heap between them. Past the
 * budget, the link holding the most queued bytes is closed (and counted), then the next, until
 * the sum is within the budget again; every other link keeps what it queued.
 *
 * <p>Thread-safe: queues add and release bytes without locking; one caller at a time closes
 * links, so that two never close more than the budget needs.
 */
final class SendBudget {

    private final long limit;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();

    /** @param limit bytes queued over all links at most; {@link Long#MAX_VALUE} for no bound */
    SendBudget(long limit) {
        this.limit = limit;
    }

    /** A queue took {@code bytes}. */
    void add(long bytes) {
        queued.addAndGet(bytes);
    }

    /** A queue let go of {@code bytes}: written, or dropped with its link. */
    void release(long bytes) {
        queued.addAndGet(-bytes);
    }

    /** Bytes queued over all links now. */
    long queued() {
        return queued.get();
    }

    /** Whether the bytes queued over all links are past the budget now. */
    boolean over() {
        return queued.get() > limit;
    }

    /** Links closed so far to keep within the budget. */
    long closedLinks() {
        return closed.get();
    }

    /**
     * If the bytes queued over all links are past the budget, closes the link holding the most,
     * then the next, until they are within it again. Called after a link queued something.
     *
     * @param links the transport's links now
     */
    void enforce(Supplier<? extends Collection<Link>> links) {
        synchronized (this) {
            while (queued.get() > limit) {
                Link largest = null;
                long most = 0;
                for (Link link : links.get()) {
                    long bytes = link.queue.queuedBytes();
                    if (bytes > most && link.failure() == null) {
                        largest = link;
                        most = bytes;
                    }
                }
                if (largest == null) {
                    return; // what is over is in queues of links that are failing, and going
                }
                closed.incrementAndGet();
                largest.fail(new BadPeerException("closed to keep within the send budget: " + queued.get()
                        + " bytes were queued over all links (sendBudgetBytes " + limit + "), " + most
                        + " of them for this link, the most"));
            }
        }
    }
}
