package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * A transport over TCP, optionally with TLS 1.3: destinations are {@code tcp://HOST:PORT} or
 * {@code tls://HOST:PORT}. Made with {@link #plain()} or {@link #tls()}.
 *
 * <h2>Links</h2>
 * Messages travel over links, one TCP connection per pair of endpoints, each carrying
 * ministreaming connections in both directions. Sending to a destination without a link dials
 * one; a link a peer opens is known by the destination its hello names, so this endpoint's
 * sends to that peer use it too. Each link frames messages as {@code docs/protocol.md}, "TCP
 * link framing", describes. How links are named (an endpoint that does not listen, two links
 * dialled at once, TLS) is in the {@linkplain org.ministreaming.transport.tcp package}'s
 * documentation.
 *
 * <h2>Threads</h2>
 * An accept thread when listening ({@code ministreaming-tcp-accept-...}). Links have no threads
 * of their own: one loop thread ({@code ministreaming-tcp-links-...}) reads every link without
 * blocking, delivers each link's messages one at a time and in order, and writes what senders
 * queue; for TLS it does each link's handshake too, its CPU-heavy tasks on a thread
 * ({@code ministreaming-tcp-handshakes-...}) that exists only while there are handshakes. The loop
 * may poll for a while after its last work instead of sleeping ({@link TcpTransportBuilder#busyPoll}). Each
 * link's send queue has two lanes, each bounded in bytes ({@link TcpTransportBuilder#sendQueueBytes}): {@link #send} puts data and
 * waits for room, {@link #offerLent} takes it only if there is room ({@link #whenRoom}); {@link #reply} puts control messages, which are written first, and never waits
 * and never dials. A reply that finds its lane full ends the link ({@link BadPeerException}):
 * that peer keeps provoking replies and reads none. A slow or stuck peer only holds up senders
 * to that peer; a slow receiver slows the reading of every link, without blocking it.
 *
 * <p>Bounds, deadlines and failures: see the {@linkplain org.ministreaming.transport.tcp package}.
 * A dial that fails throws a {@link ConnectException} naming the destination. Thread-safe. {@link #close} lets each link send what is queued (waiting up to
 * {@value #CLOSE_LINGER_MILLIS} ms for peers to take it), closes every socket and joins every thread it started.
 */
public final class TcpTransport implements Transport {

    /** Default time to connect, complete the TLS handshake and receive the hello: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Default bound of one link's send queue: 1 MiB. */
    public static final int DEFAULT_SEND_QUEUE_BYTES = 1 << 20;

    /** How long {@link #close} waits for links to send what is queued: 1000 ms. */
    public static final long CLOSE_LINGER_MILLIS = 1000;

    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());
    static final String TCP = "tcp";
    static final String TLS = "tls";

    private final String scheme;
    private final Destination local;
    private final Tls tls;
    private final LinkSettings settings;
    /** The accept loop and the admission of inbound links; {@code null} when not listening. */
    private final Acceptor acceptor;
    private final LinkNames links = new LinkNames();
    /** Every link whose end the loop may not have reported yet. Guarded by the monitor. */
    private final Set<Link> all = new HashSet<>();
    /** Serves the links. */
    private final LinkLoop loop;
    private volatile Receiver receiver;
    private volatile boolean closed;

    TcpTransport(TcpTransportBuilder builder, ServerSocket server, Tls tls) throws IOException {
        this.scheme = builder.scheme;
        this.tls = tls;
        this.local = server == null ? Addresses.notListening(scheme)
                : Addresses.listening(scheme, builder.listenHost, server.getLocalPort());
        this.settings = new LinkSettings((int) Math.min(Integer.MAX_VALUE, Deadline.millis(builder.connectTimeout)),
                Deadline.millis(builder.frameTimeout), Deadline.millis(builder.idleTimeout), builder.sendQueueBytes,
                new SendBudget(builder.sendBudget()), Frames.hello(server == null ? Frames.NOT_LISTENING : local.uri()));
        this.acceptor = server == null ? null
                : new Acceptor(this, server, builder.maxLinks, builder.maxLinksPerAddress, builder.acceptHook);
        this.loop = new LinkLoop(local.toString(), builder.linkBufferBytes, builder.busyPoll.toNanos());
    }

    /** Starts the settings for plain TCP, destinations {@code tcp://HOST:PORT}: a builder with the defaults, not listening. */
    public static TcpTransportBuilder plain() {
        return new TcpTransportBuilder(TCP);
    }

    /** Starts the settings for TLS 1.3 over TCP, destinations {@code tls://HOST:PORT}: a builder with the defaults, not listening, no fingerprint pinned. */
    public static TcpTransportBuilder tls() {
        return new TcpTransportBuilder(TLS);
    }

    /**
     * {@code tcp://HOST:PORT} with the port actually bound, or {@code tcp:-} when not listening
     * ({@code tls} for TLS). The host is the one given to {@link TcpTransportBuilder#listen}.
     */
    @Override
    public Destination localDestination() {
        return local;
    }

    /** The local destination's URI in UTF-8, like the in-memory transport's. */
    @Override
    public byte[] synPayload() {
        return local.uri().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The SHA-256 fingerprint of the certificate this endpoint presents, for clients to pin.
     *
     * @return 32 colon-separated pairs of upper-case hex digits, {@code AB:CD:...}; empty unless
     *     this endpoint listens with TLS
     */
    public Optional<String> certificateFingerprint() {
        return Optional.ofNullable(tls == null ? null : tls.fingerprint());
    }

    /**
     * The peers that have a link now, including links being dialled.
     *
     * @return a snapshot of their names, as the receiver hears them
     */
    public Set<Destination> peers() {
        return links.peers();
    }

    /** @return how many links peers opened are open now (or starting); 0 when not listening */
    public int inboundLinks() {
        return acceptor == null ? 0 : acceptor.admitted();
    }

    /** @return how many links peers opened were refused (closed at once) since the build, a bound being reached */
    public long refusedLinks() {
        return acceptor == null ? 0 : acceptor.refused();
    }

    /** @return how many links peers opened were evicted, at {@code maxLinks}, because they carried nothing of ours */
    public long evictedLinks() {
        return acceptor == null ? 0 : acceptor.evicted();
    }

    /** @return how many links were closed, the one holding the most first, because all together held more than the send budget */
    public long overBudgetLinks() {
        return settings.budget().closedLinks();
    }

    /**
     * Starts accepting links, if listening. Links can be dialled from now on.
     *
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public synchronized void start(Receiver newReceiver) {
        Objects.requireNonNull(newReceiver, "receiver");
        if (receiver != null) {
            throw new IllegalStateException("already started");
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        receiver = newReceiver;
        loop.start();
        if (acceptor != null) {
            acceptor.start();
        }
    }

    /**
     * Queues one message on the link to {@code to}, dialling one if there is none; waits while the
     * link's data lane is full. The queue keeps a view of {@code message} until it is written.
     *
     * @throws ConnectException if {@code to} cannot be dialled or the dial failed
     * @throws IOException if the message is empty or over 65536 bytes, the link failed, or the
     *     transport is closed or not started
     */
    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        send(to, message, Frames.EMPTY);
    }

    /** Queues one message as {@link #send(Destination, ByteBuffer)}; runs {@code sent} once the link's writer has copied it. */
    @Override
    public void sendLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
        queue(to, Outbound.lent(message, sent), true);
    }

    /** Queues one message as {@link #sendLent} does if the link to {@code to} has room in its data lane now, else takes nothing; never waits, never dials. */
    @Override
    public boolean offerLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
        return queue(to, Outbound.lent(message, sent), false);
    }

    /** Runs {@code wake} once the link to {@code to} has room in its data lane (half of it free), or has ended; at once if it has, or there is no link. */
    @Override
    public void whenRoom(Destination to, Runnable wake) {
        Link link = links.get(Objects.requireNonNull(to, "to"));
        if (link == null) {
            wake.run();
        } else {
            link.queue.whenRoom(wake);
        }
    }

    /** Queues one message of two parts; the link's writer copies both straight into its write buffer. */
    @Override
    public void send(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        queue(to, new Outbound(header.duplicate(), payload.duplicate()), true);
    }

    /** Writes the message on the calling thread if the link to {@code to} is plain and idle ({@link LinkWriter#writeThrough}). */
    @Override
    public boolean sendNow(Destination to, ByteBuffer header, ByteBuffer payload) {
        return takeNow(to, header, payload, Math.max(1, payload.remaining()));
    }

    /** Writes the SYN at once if the link to {@code to} is plain and idle, else queues it ahead of data if the link is up. */
    @Override
    public boolean openNow(Destination to, ByteBuffer syn) {
        return sendNow(to, syn, Frames.EMPTY) || reply(to, syn);
    }

    /** Writes all the messages on the calling thread, in one buffer, if the link to {@code to} is plain and idle ({@link LinkWriter#writeThrough}), or none. */
    @Override
    public int sendNow(Destination to, ByteBuffer header, ByteBuffer payload, int piece) {
        Transport.checkPiece(piece);
        return payload.hasRemaining() && takeNow(to, header, payload, piece) ? payload.remaining() : 0;
    }

    private boolean takeNow(Destination to, ByteBuffer header, ByteBuffer payload, int piece) {
        boolean fits = !closed && receiver != null && Frames.fits(header.remaining() + Math.min(piece, payload.remaining()));
        Link link = fits ? links.get(Objects.requireNonNull(to, "to")) : null;
        return link != null && link.sendNow(header, payload, piece);
    }

    /** Queues {@code message} on the link to {@code to}: if {@code wait}, dialling one if need be and waiting for room; else returns whether it had room. */
    private boolean queue(Destination to, Outbound message, boolean wait) throws IOException {
        Objects.requireNonNull(to, "to");
        if (closed || receiver == null) {
            throw new IOException(local + (closed ? " is closed" : " is not started"));
        }
        if (!Frames.fits(message.remaining())) {
            throw new IOException("a message of " + message.remaining() + " bytes does not fit a frame (1 to " + Frames.MAX_LENGTH + " bytes)");
        }
        while (true) {
            Link link = wait ? links.get(to) : links.require(to);
            if (link == null) {
                link = dial(to);
            }
            OutboundQueue.Offer offer = wait ? link.send(message) : link.offer(message);
            if (offer != OutboundQueue.Offer.CLOSED) {
                return offer == OutboundQueue.Offer.QUEUED;
            }
            // That link was retired by forget() while we picked it; it leaves the map at once.
            Thread.onSpinWait();
        }
    }

    /**
     * Queues one control message on the link to {@code to}, ahead of its queued data, without
     * waiting or dialling; {@code false} if there is no link to {@code to}, the message does not fit
     * a frame, the transport is closed, or the link's reply lane is full (which ends the link).
     */
    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        return reply(to, message, Frames.EMPTY);
    }

    /** Queues one control message of two parts like {@link #reply(Destination, ByteBuffer)}. */
    @Override
    public boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
        Link link = links.get(to);
        return link != null && !closed && Frames.fits(header.remaining() + payload.remaining())
                && link.reply(new Outbound(header.duplicate(), payload.duplicate()));
    }

    /**
     * Ends the link to {@code peer} gracefully if nothing is queued on it and it sent nothing in
     * the last 100 ms, and drops its name: the next send dials anew. The end of a link ended so is
     * not reported as a lost peer, unless a message arrived on it after the forget.
     */
    @Override
    public void forget(Destination peer) {
        links.retireIfIdle(peer);
    }

    private Link dial(Destination to) throws IOException {
        InetSocketAddress address = Addresses.dialable(to, scheme);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMillis());
        Link fresh = ChannelLink.outbound(this, to);
        synchronized (this) {
            if (closed) {
                throw new IOException(local + " is closed");
            }
            Link existing = links.claim(to, fresh);
            if (existing != null) {
                fresh.raw.close(); // a channel has its descriptor from the start
                return existing;
            }
            all.add(fresh);
        }
        try {
            fresh.connect(address, settings.connectTimeoutMillis(), tls);
            startLink(fresh);
            fresh.awaitSecured(deadline);
            return fresh;
        } catch (IOException e) {
            ConnectException failure = new ConnectException("cannot connect to " + to + ": " + Reasons.of(e));
            failure.initCause(e);
            fresh.fail(failure);
            synchronized (this) {
                all.remove(fresh);
            }
            throw failure;
        }
    }

    /** A link for a socket the acceptor accepted, not yet started. */
    Link inbound(Socket accepted) {
        return ChannelLink.inbound(this, accepted.getChannel());
    }

    /** Starts an inbound link the acceptor admitted. */
    void startInbound(Link link) throws IOException {
        synchronized (this) {
            if (!closed) {
                all.add(link);
            }
        }
        startLink(link);
    }

    /** Starts a link unless the transport closed meanwhile; forgets links that ended. */
    private synchronized void startLink(Link link) throws IOException {
        if (closed) {
            throw new IOException(local + " is closed");
        }
        all.removeIf(Link::hasEnded);
        link.start(tls);
    }

    // ---------------------------------------------------------------- for links

    /** The loop that serves the links. */
    LinkLoop loop() {
        return loop;
    }

    String scheme() {
        return scheme;
    }

    /** What every link is made with. */
    LinkSettings settings() {
        return settings;
    }

    /** A link queued something: past the send budget, the links holding the most are closed. */
    void queuedOnLink() {
        if (settings.budget().over()) {
            settings.budget().enforce(this::linksNow);
        }
    }

    private synchronized List<Link> linksNow() {
        return new ArrayList<>(all);
    }

    boolean isClosed() {
        return closed;
    }

    /** Names an inbound link after its hello ({@link LinkNames#register}); a TLS hello is not believed. */
    Destination register(Link link, String announced) throws IOException {
        return links.register(link, announced, tls == null);
    }

    /** Where messages go, or {@code null} before the transport starts. */
    Receiver receiver() {
        return receiver;
    }

    /** A link failed: later sends to its peer dial a new link. */
    void unregister(Link link) {
        links.unregister(link);
    }

    /**
     * A link's reader is ending: tells the receiver, unless closed or the link was retired by
     * {@link #forget} and carried nothing since. Forgets the link's name again, in case its hello
     * registered it while it failed; it stays in {@link #all}, which {@link #close} waits for.
     */
    void ended(Link link, IOException cause) {
        unregister(link);
        if (acceptor != null) {
            acceptor.release(link);
        }
        if (!closed && link.endIsNews()) {
            try {
                receiver.onPeerLost(link.peer(), cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "receiver of " + local + " failed on losing " + link.peer(), e);
            }
        }
    }

    /**
     * Stops accepting, lets every link send what is queued (up to {@value #CLOSE_LINGER_MILLIS}
     * ms in all), closes every socket and joins every thread. Senders still waiting get an
     * {@code IOException}; nothing is delivered after this returns. Idempotent.
     */
    @Override
    public void close() {
        List<Link> snapshot;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            snapshot = new ArrayList<>(all);
        }
        if (acceptor != null) {
            acceptor.stop();
        }
        Link.closeAll(snapshot, CLOSE_LINGER_MILLIS, new IOException(local + " was closed"));
        loop.close();
        links.clear();
        synchronized (this) {
            all.clear();
        }
    }

    @Override
    public String toString() {
        return "TcpTransport[" + local + "]";
    }
}
