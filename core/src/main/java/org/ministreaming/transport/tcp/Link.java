package org.ministreaming.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.ministreaming.transport.Destination;

/**
 * One TCP connection between two endpoints, carrying ministreaming connections both ways: what
 * every link has, whatever serves its socket (the transport's selector loop, {@link ChannelLink}).
 * Each side sends its hello first (after the handshake, over TLS), the peer's hello names the
 * link, and then each message is handed to the transport's receiver, one at a time and in
 * order.
 *
 * <p>A link fails once: the first cause is logged, queued messages are dropped, waiting senders
 * get an {@code IOException}, and the socket is closed. The thread that serves its reading then
 * reports the loss to the transport ({@link TcpTransport#ended}).
 *
 * <p>Thread-safe. {@link #start} is called once, under the transport's monitor.
 */
abstract class Link {

    private static final System.Logger LOG = System.getLogger(Link.class.getName());

    /** How long after this side's last message a link may be retired: a link in use is not idle. */
    static final long RETIRE_QUIET_MILLIS = 100;

    final TcpTransport transport;
    final Socket raw;
    final boolean inbound;
    final OutboundQueue queue;
    /** Counted down once whatever served the link has reported its end, or it failed before it started. */
    final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    /** Who the peer is: the dialled destination, or for an inbound link what {@link TcpTransport#register} decided. */
    private volatile Destination peer;
    /** Whether the transport forgot the peer and ended this link on purpose ({@link #retire}). */
    private volatile boolean retired;
    /** Whether a message arrived after {@link #retire}; then its end is news to the receiver. */
    private volatile boolean usedAfterRetired;
    /** Whether the peer's hello arrived ({@link #helloReceived}). */
    private volatile boolean helloHeard;
    /** Whether this side has sent a message over the link, which then carries something of ours. */
    private volatile boolean sent;
    /** When this side last queued a message ({@link System#nanoTime}). */
    private volatile long lastSendNanos;
    /** Whether the acceptor counts this link among the admitted ones; see {@link #releaseAdmission}. */
    private final AtomicBoolean admitted = new AtomicBoolean();

    Link(TcpTransport transport, Socket raw, boolean inbound, Destination peer) {
        this.transport = transport;
        this.raw = raw;
        this.inbound = inbound;
        this.peer = peer;
        this.queue = new OutboundQueue(transport.settings().sendQueueBytes(), inbound, transport.settings().budget());
    }

    /** The peer's address: where an inbound link came from. */
    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) raw.getRemoteSocketAddress();
    }

    /** Whether this side has sent a message over the link, which then carries something of ours. */
    boolean hasSent() {
        return sent;
    }

    /** The acceptor counts this link among the admitted ones. */
    void markAdmitted() {
        admitted.set(true);
    }

    /** True only if the link was admitted and has not given back its place before: it is given back once. */
    boolean releaseAdmission() {
        return admitted.compareAndSet(true, false);
    }

    /** The peer as the receiver hears of it. */
    Destination peer() {
        return peer;
    }

    /** The first cause this link failed for, or {@code null}. */
    IOException failure() {
        return failure.get();
    }

    /**
     * Dials: connects within the timeout. Called by the sending thread that opens the link; a TLS
     * link's handshake follows once it is started ({@link #awaitSecured}).
     */
    void connect(InetSocketAddress address, int timeoutMillis, Tls tls) throws IOException {
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException("unknown host " + address.getHostString());
        }
        raw.connect(resolved, timeoutMillis);
    }

    /** Starts serving the socket: this side's hello goes out first (after the handshake, for {@code tls}), then the queue. */
    abstract void start(Tls tls) throws IOException;

    /** Something was queued, or the queue finished or retired: a link without a writer thread of its own asks for a write. */
    abstract void queued();

    /** Closes what serves the socket, once the link failed (the socket itself is closed already). */
    abstract void stopped();

    /** Whether whatever served the link has ended, or the link failed before it started. */
    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /**
     * Waits, until {@code deadlineNanos} at most, for the link's reading to end; on the thread that
     * serves the link, which cannot wait for itself, writes what is queued instead, as far as the
     * socket takes it.
     */
    abstract void awaitEnd(long deadlineNanos);

    /**
     * Waits, until {@code deadlineNanos} at most, for a dialled link to be ready for the peer: a
     * TLS link's handshake done, which the loop does; at once for a plain link. Called by the
     * dialling thread after {@link #start}.
     *
     * @throws IOException the link's failure, if it failed meanwhile (the pin's refusal, say), or
     *     if this is the loop's thread, which could not do the handshake while it waits
     * @throws java.net.SocketTimeoutException if the handshake was not done in time
     */
    abstract void awaitSecured(long deadlineNanos) throws IOException;

    /**
     * Queues one data message, waiting while the link is dialled and while the data lane is
     * full.
     *
     * @return {@link OutboundQueue.Offer#QUEUED}, or {@link OutboundQueue.Offer#CLOSED} if the link
     *     was retired and took nothing: the sender dials anew
     * @throws IOException if the link failed or the transport is closing
     */
    OutboundQueue.Offer send(Outbound message) throws IOException {
        sent = true;
        lastSendNanos = System.nanoTime();
        return took(queue.put(message) ? OutboundQueue.Offer.QUEUED : OutboundQueue.Offer.CLOSED);
    }

    /**
     * Queues one data message if the data lane has room now, never waiting
     * ({@link OutboundQueue#offerData}: a link still being dialled has none).
     *
     * @return {@link OutboundQueue.Offer#QUEUED}, {@link OutboundQueue.Offer#FULL} (nothing taken:
     *     {@link OutboundQueue#whenRoom} tells when to offer again), or
     *     {@link OutboundQueue.Offer#CLOSED} if the link was retired and took nothing
     * @throws IOException if the link failed or the transport is closing
     */
    OutboundQueue.Offer offer(Outbound message) throws IOException {
        sent = true;
        lastSendNanos = System.nanoTime();
        return took(queue.offerData(message));
    }

    /** After a send or offer: if the queue took the message, asks for a write and minds the send budget. */
    private OutboundQueue.Offer took(OutboundQueue.Offer offer) {
        if (offer == OutboundQueue.Offer.QUEUED) {
            queued();
            transport.queuedOnLink();
        }
        return offer;
    }

    /**
     * Writes a run of messages at once on the calling thread, {@code header} and then each
     * {@code piece} bytes of {@code payload}, if nothing waits before them and nobody else writes
     * (see {@link org.ministreaming.transport.Transport#sendNow(Destination, ByteBuffer, ByteBuffer, int)}).
     *
     * @return whether they were written, or what the socket did not take was copied; if
     *     {@code false}, nothing was taken
     */
    boolean sendNow(ByteBuffer header, ByteBuffer payload, int piece) {
        sent = true;
        lastSendNanos = System.nanoTime();
        return writeNow(header, payload, piece);
    }

    /** Writes a run of messages now, as {@link #sendNow} says, or takes nothing. */
    abstract boolean writeNow(ByteBuffer header, ByteBuffer payload, int piece);

    /**
     * Queues one reply ahead of the data, without waiting. A reply that finds the reply lane full
     * fails the link: the peer has stopped reading while it keeps provoking replies. The loss is
     * reported later, by what serves the link's reading, never from inside this call.
     *
     * @return whether the reply was queued
     */
    boolean reply(Outbound message) {
        sent = true;
        lastSendNanos = System.nanoTime();
        OutboundQueue.Offer offer = queue.offerReply(message);
        if (offer == OutboundQueue.Offer.FULL) {
            fail(new BadPeerException(peer + " does not read its link: " + queue.queuedBytes()
                    + " bytes are queued for it, and replies to it fill their lane"));
        } else if (offer == OutboundQueue.Offer.QUEUED) {
            queued();
            transport.queuedOnLink();
        }
        return offer == OutboundQueue.Offer.QUEUED;
    }

    /** Graceful end, for the transport's close: what is queued is sent, then the stream ends. */
    void finish() {
        queue.finish();
        queued();
    }

    /**
     * Ends the link gracefully if nothing waits to be sent on it and this side sent nothing for
     * {@value #RETIRE_QUIET_MILLIS} ms: the transport forgot the peer.
     *
     * @return whether it was idle and is ending now
     */
    boolean retireIfIdle() {
        if (retired || sent && System.nanoTime() - lastSendNanos < TimeUnit.MILLISECONDS.toNanos(RETIRE_QUIET_MILLIS)) {
            return false;
        }
        // Marked first, so that a message arriving meanwhile counts as arriving after.
        retired = true;
        if (queue.retireIfEmpty()) {
            queued();
            return true;
        }
        retired = false;
        return false;
    }

    /** Whether the link's end must be reported: it was not retired, or it carried a message since. */
    boolean endIsNews() {
        return !retired || usedAfterRetired;
    }

    /**
     * The peer's hello arrived: checks what it names and, for an inbound link, registers the
     * link under its name.
     *
     * @throws IOException if the hello is bad, or the transport will not name the link
     */
    void helloReceived(byte[] hello) throws IOException {
        String announced = checked(Frames.parseHello(hello));
        if (inbound) {
            peer = transport.register(this, announced);
        }
        helloHeard = true;
        LOG.log(Level.DEBUG, () -> "link " + this + " open; the peer's hello names " + announced);
    }

    /** One message from the peer, handed to the receiver. */
    void messageReceived(byte[] message) {
        messageLent(ByteBuffer.wrap(message).asReadOnlyBuffer(), null, false);
    }

    /**
     * One message from the peer, lent to the receiver until it runs {@code giveBack}, or handed
     * over if that is {@code null}, with {@code more} if another follows at once
     * ({@link org.ministreaming.transport.Transport.Receiver#onLentMessage(Destination, ByteBuffer,
     * Runnable, boolean)}); nothing once the transport is closed (a loan is then given
     * back). A receiver's defect costs that message only, and a loan's memory is then left to
     * the garbage collector, as the receiver may still hold a view of it.
     */
    void messageLent(ByteBuffer message, Runnable giveBack, boolean more) {
        if (retired) {
            usedAfterRetired = true;
        }
        if (transport.isClosed()) {
            if (giveBack != null) {
                giveBack.run();
            }
            return;
        }
        try {
            if (giveBack == null) {
                transport.receiver().onMessage(peer, message);
            } else {
                transport.receiver().onLentMessage(peer, message, giveBack, more);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "receiver of " + transport.localDestination() + " failed on a message from " + peer, e);
        }
    }

    /**
     * Ends the link for {@code cause}, unless it already failed. Logs once (a warning for a
     * defect or a peer that breaks the rules; only at the debug level for the routine ends whose
     * news reaches who needs it anyway: the transport closing, the peer closing the link, a dial
     * that failed, which the sender hears of, and a dialled link that ends before the peer's
     * hello, whose end the receiver hears of as its sender's), drops queued messages, fails
     * waiting senders and closes the socket.
     */
    void fail(IOException cause) {
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        Throwable defect = cause.getCause() instanceof RuntimeException || cause.getCause() instanceof Error ? cause.getCause() : null;
        boolean broken = defect != null || cause instanceof BadPeerException || cause instanceof SSLException;
        boolean routine = cause instanceof EOFException || cause instanceof ConnectException;
        boolean dialNotAnswered = !inbound && !helloHeard && defect == null;
        Level level = transport.isClosed() || dialNotAnswered ? Level.DEBUG : broken ? Level.WARNING : routine ? Level.DEBUG : Level.INFO;
        if (defect != null) {
            LOG.log(level, "link " + this + " ended: " + Reasons.of(cause), defect);
        } else {
            LOG.log(level, () -> "link " + this + " ended: " + Reasons.of(cause));
        }
        transport.unregister(this);
        queue.fail(cause);
        try {
            raw.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the socket of " + this + " failed: " + e.getMessage());
        }
        stopped();
    }

    /**
     * Ends {@code links} for the transport's close: each sends what is queued and ends its
     * stream; after the peers closed theirs, or {@code lingerMillis} in all, each fails for
     * {@code cause}.
     */
    static void closeAll(List<Link> links, long lingerMillis, IOException cause) {
        links.forEach(Link::finish);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        for (Link link : links) {
            link.awaitEnd(deadline);
        }
        for (Link link : links) {
            link.fail(cause);
        }
    }

    /** {@code announced} if it is {@code -} or a destination of this transport's scheme that can be dialled. */
    private String checked(String announced) throws BadPeerException {
        if (!announced.equals(Frames.NOT_LISTENING)) {
            try {
                Addresses.hostAndPort(announced, transport.scheme(), false);
            } catch (IllegalArgumentException e) {
                throw new BadPeerException("the hello names '" + announced + "', which is neither "
                        + Frames.NOT_LISTENING + " nor " + transport.scheme() + "://HOST:PORT");
            }
        }
        return announced;
    }

    @Override
    public String toString() {
        return peer + (raw.isConnected()
                ? " (" + raw.getLocalPort() + " <-> " + raw.getRemoteSocketAddress() + ")" : " (not connected)");
    }
}
