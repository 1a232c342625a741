package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import net.i2p.client.I2PSessionMuxedListener;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.wire.MessageType;

/**
 * The transport over an I2P router: one I2CP session, whose destination is this endpoint's.
 *
 * <ul>
 *   <li><b>Plain messages</b> (the ministreaming protocol's own, type bytes A0-AF, 50-5F, FF)
 *       travel exactly as the original sent them: one {@code sendMessage} each, protocol 0,
 *       ports 0. I2CP does not say who sent a message, so a plain message goes up without a
 *       sender ({@link Receiver#onUnattributed}), and the layer above finds it as the original
 *       did: a SYN carries the client's destination, which {@link #senderOfSyn} reads, and later
 *       messages are known by their connection ids. A plain message whose sender the layer above
 *       cannot tell is dropped and counted ({@link #unattributedMessages}).</li>
 *   <li><b>Every other message</b> (the reliable layer's frames) travels in an {@link Envelope},
 *       I2CP protocol {@value Envelope#PROTOCOL}: the first ones to a peer in a signed hello that
 *       proves this endpoint and gives the peer a session id, later ones with the peer's session
 *       id alone ({@link Handshake}). What is not proven is dropped and counted
 *       ({@link #envelopeStatistics}), but for named envelopes from destinations that never proved
 *       themselves: peers of the version before, accepted unless
 *       {@link I2cpTransportBuilder#refuseUnproven refused}.</li>
 *   <li><b>Names.</b> {@code i2p:NAME.b32.i2p} and {@code i2p:HOST.i2p} point at a destination
 *       without being one; {@link #resolve} asks the router for the full destination, which is
 *       what the engine and {@link #send} take.</li>
 *   <li><b>Losing the router.</b> When the session drops (the router stopped or the link to it
 *       broke), every peer this endpoint talked with is reported lost, so their connections
 *       fail at once, a warning is logged, sends fail with an error naming the router (and
 *       their peer is reported lost soon after, by the sender thread and never from inside the
 *       call, so that nothing sent meanwhile arrives later), and a thread reconnects with the
 *       same keys (so the same destination) every 1 to 30 s until it succeeds or the transport
 *       is closed ({@link RouterSession}).</li>
 *   <li><b>Replies</b> ({@link #reply}) are prepared on the caller's thread and sent by one
 *       sender thread of the transport ({@link Outbox}), as {@code sendMessage} may wait for the
 *       router; at most {@value Outbox#LIMIT_BYTES} bytes of them wait, and a reply beyond that is
 *       dropped, as I2P may drop any message.</li>
 *   <li><b>Forgetting a peer</b> drops its entry among the peers reported lost with the session,
 *       and its cached destination.</li>
 * </ul>
 *
 * <p>Thread-safe. I2P's client library delivers messages on its own thread, in order; sends may
 * wait briefly when the link to the router is congested. {@link #close} lets the sender thread
 * send the replies queued, waits until the router has read every message sent before it, then
 * stops the reconnecting thread and the session; I2P's library keeps some shared timer threads of
 * its own for the life of the JVM.
 */
public final class I2cpTransport implements Transport {

    /** The largest message a 2.7.0 router was seen to deliver (40,960 bytes are lost silently). */
    public static final int MAX_I2CP_MESSAGE = 40_959;

    private static final System.Logger LOG = System.getLogger(I2cpTransport.class.getName());

    private final String router;
    private final I2pKeys keys;
    private final byte[] destinationBytes;
    private final Destination local;
    private final RouterSession session;
    private final DestinationCache destinations = new DestinationCache();
    private final NameResolver names;
    private final Handshake handshake;
    private final Set<Destination> peers = ConcurrentHashMap.newKeySet();
    private final AtomicLong unattributed = new AtomicLong();
    private final SendTap tap;
    private final Outbox outbox;
    private volatile Receiver receiver;

    I2cpTransport(I2cpTransportBuilder builder) {
        this.router = builder.host() + ":" + builder.port();
        this.keys = builder.keys();
        this.destinationBytes = keys.destinationBytes();
        this.local = keys.destination();
        this.tap = builder.tap();
        this.handshake = new Handshake(keys, builder.refuseUnproven(), builder.silence());
        this.names = new NameResolver(router);
        this.session = new RouterSession(router, keys, builder.sessionOptions(), new Listener(), this::sessionLost,
                builder.openTimeout());
        this.outbox = new Outbox(keys.base32().substring(0, 8), this::sendReply, this::reportLost);
    }

    /** A builder with the defaults: router at {@code 127.0.0.1:7654}, new keys. */
    public static I2cpTransportBuilder builder() {
        return new I2cpTransportBuilder();
    }

    @Override
    public Destination localDestination() {
        return local;
    }

    /** This endpoint's {@code .b32.i2p} name. */
    public String base32() {
        return keys.base32();
    }

    /** The SYN payload: this endpoint's I2P destination in I2P's byte form, as the original sent it. */
    @Override
    public byte[] synPayload() {
        return destinationBytes.clone();
    }

    /** {@code false}: I2CP does not tell who sent a message, so plain ones go up without a sender. */
    @Override
    public boolean knowsSenders() {
        return false;
    }

    /**
     * {@code true}: frames come in signed hellos or in compact envelopes, whose id only their sender has. Named envelopes
     * of peers of the version before are not proven ({@link I2cpTransportBuilder#refuseUnproven}): a restart costs them a round trip.
     */
    @Override
    public boolean provesFrameSenders() {
        return true;
    }

    /** The I2P destination at the start of a SYN payload, in I2P's byte form; what follows it is ignored. */
    @Override
    public Optional<Destination> senderOfSyn(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        try {
            return Optional.of(I2pDestinations.toUri(I2pDestinations.read(bytes, 0)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens the I2CP session; blocks until the router has built its tunnels, or {@link #close}
     * is called from another thread.
     *
     * @throws IOException if the router cannot be reached or refuses the session, or the
     *     transport was closed meanwhile
     */
    @Override
    public void start(Receiver receiver) throws IOException {
        synchronized (this) {
            if (this.receiver != null) {
                throw new IllegalStateException("already started");
            }
            this.receiver = receiver;
        }
        outbox.start();
        session.open();
    }

    /**
     * The full destination an {@code i2p:} URI points at: the URI itself if it holds a full
     * destination, otherwise the destination the router finds for its name
     * ({@linkplain I2pNames I2P's names}), for {@code StreamManager.connect}. Found names are
     * remembered (the least recently used of 256 forgotten first), so asking again costs
     * nothing; names not found are asked again. Call it after {@link #start}; any thread may.
     *
     * @param uri an {@code i2p:} URI: a full destination, {@code NAME.b32.i2p} or {@code HOST.i2p}
     * @param timeout how long the router may take to find a name
     * @return the {@code i2p:} URI of the full destination
     * @throws IllegalArgumentException if {@code uri} is no {@code i2p:} destination or name
     * @throws java.net.UnknownHostException if the router does not know the name
     * @throws IOException if the router cannot be asked now (no session), or the lookup failed
     */
    public Destination resolve(Destination uri, Duration timeout) throws IOException {
        Optional<String> name = I2pNames.name(uri);
        if (name.isEmpty()) {
            return destinations.uri(destinations.i2p(uri));
        }
        I2PSession current = session.current();
        if (current == null) {
            throw session.notConnected();
        }
        return destinations.uri(names.resolve(current, name.get(), timeout));
    }

    /** How many names {@link #resolve} remembers now. */
    int namesRemembered() {
        return names.size();
    }

    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        send(to, message, ByteBuffer.allocate(0));
    }

    /**
     * Sends one message of two parts like {@link #send(Destination, ByteBuffer)}: a frame's
     * header and the message it carries are copied once, into the envelope.
     */
    @Override
    public void send(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        I2PSession current = session.current();
        if (current == null) {
            throw down(to);
        }
        Outbox.Reply message = prepare(to, header, payload);
        tap.sending(message.target(), message.bytes(), message.protocol());
        try {
            current.sendMessage(message.target(), message.bytes(), 0, message.bytes().length, null, null, message.protocol(),
                    Envelope.sourcePort(message.protocol()), 0);
        } catch (I2PSessionException e) {
            throw new IOException("I2CP send to " + to + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        return reply(to, message, ByteBuffer.allocate(0));
    }

    /**
     * Sends one control message without waiting: prepared here, sent by the sender thread.
     * Returns {@code false} if the session is down, the message cannot go, or too many replies
     * wait already.
     */
    @Override
    public boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
        if (session.current() == null) {
            down(to);
            return false;
        }
        try {
            return outbox.offer(prepare(to, header, payload));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "no reply to " + to + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * Drops what this transport keeps for {@code peer}: nothing of it is in flight here. Its
     * session id names nobody from now on; a peer that proved itself stays proven.
     */
    @Override
    public void forget(Destination peer) {
        peers.remove(peer);
        try {
            handshake.forget(destinations.i2p(peer));
        } catch (IllegalArgumentException notI2p) {
            LOG.log(Level.DEBUG, () -> "nothing to forget for " + peer + ": " + notI2p.getMessage());
        }
        destinations.forget(peer);
    }

    /** Replies dropped because too many waited for the sender thread. */
    public long droppedReplies() {
        return outbox.dropped();
    }

    /**
     * The session is down: the peer will be told lost by the sender thread, so that the layer
     * above drops what it holds for it and nothing sent now arrives later.
     */
    private IOException down(Destination to) {
        IOException down = session.notConnected();
        if (!session.isClosed()) {
            outbox.reportLost(to, down);
        }
        return down;
    }

    /** The bytes for {@code sendMessage}: plain as they are, or in an envelope. */
    private Outbox.Reply prepare(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        net.i2p.data.Destination target;
        try {
            target = destinations.i2p(to);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        boolean plain = header.hasRemaining() && MessageType.isPlain(header.get(header.position()));
        byte[] bytes;
        if (plain) {
            bytes = new byte[header.remaining() + payload.remaining()];
            header.duplicate().get(bytes, 0, header.remaining());
            payload.duplicate().get(bytes, header.remaining(), payload.remaining());
        } else {
            bytes = handshake.seal(target, header, payload);
        }
        if (bytes.length > MAX_I2CP_MESSAGE) {
            throw new IOException("a message of " + bytes.length + " bytes is more than I2CP carries (" + MAX_I2CP_MESSAGE + ")");
        }
        if (!peers.contains(to)) {
            peers.add(to);
        }
        return new Outbox.Reply(to, target, bytes, plain ? I2PSession.PROTO_UNSPECIFIED : Envelope.PROTOCOL);
    }

    /** The sender thread's send of one reply. */
    private void sendReply(Outbox.Reply reply) {
        I2PSession current = session.current();
        if (current == null) {
            down(reply.to());
            return;
        }
        tap.sending(reply.target(), reply.bytes(), reply.protocol());
        try {
            current.sendMessage(reply.target(), reply.bytes(), 0, reply.bytes().length, null, null, reply.protocol(),
                    Envelope.sourcePort(reply.protocol()), 0);
        } catch (I2PSessionException e) {
            LOG.log(Level.DEBUG, () -> "I2CP reply to " + reply.to() + " failed: " + e.getMessage());
        }
    }

    private void reportLost(Destination peer, IOException cause) {
        Receiver above = receiver;
        if (above != null && !session.isClosed()) {
            above.onPeerLost(peer, cause);
        }
    }

    /** How long opening the session may take ({@link I2cpTransportBuilder#openTimeout}). */
    public Duration openTimeout() {
        return session.openTimeout();
    }

    /** Whether the session with the router is up now. */
    public boolean isConnected() {
        return session.isConnected();
    }

    /** How often the session with the router was lost. */
    public long disconnects() {
        return session.disconnects();
    }

    /** The session's connection to the router ({@link RouterSocket}), for tests. */
    RouterSocket routerSocket() {
        return session.socket();
    }

    /**
     * Messages dropped because nothing told or proved who sent them: plain messages the layer above
     * could not attribute, and envelopes dropped for any of the reasons {@link #envelopeStatistics} counts.
     */
    public long unattributedMessages() {
        return unattributed.get();
    }

    /** The envelopes of reliable mode sent, accepted and dropped, by kind and reason; a snapshot. */
    public Map<EnvelopeCounter, Long> envelopeStatistics() {
        return handshake.statistics();
    }

    /** The handshake's state, for tests. */
    Handshake handshake() {
        return handshake;
    }

    /**
     * Lets the sender thread send the replies queued and end, waits until the router has read
     * every message sent so far, then ends the session. Idempotent.
     */
    @Override
    public void close() {
        outbox.finishAndJoin();
        session.close();
    }

    @Override
    public String toString() {
        return "i2cp " + base32() + " via " + router;
    }

    /**
     * The session was lost: every peer this endpoint sent to is lost with it. That includes every
     * peer with a connection, as each connection began with a SYN or an ACK from this side.
     */
    private void sessionLost(IOException cause) {
        for (Destination peer : Set.copyOf(peers)) {
            receiver.onPeerLost(peer, cause);
        }
        peers.clear();
    }

    private void deliver(byte[] bytes, int protocol, int fromPort) {
        Destination from;
        ByteBuffer message;
        if (protocol == Envelope.PROTOCOL) {
            Envelope.Opened opened = handshake.open(bytes, fromPort);
            if (opened == null) {
                unattributed.incrementAndGet();
                return;
            }
            from = destinations.uri(opened.sender());
            message = opened.message();
        } else {
            if (!receiver.onUnattributed(ByteBuffer.wrap(bytes).asReadOnlyBuffer())) {
                unattributed.incrementAndGet();
                LOG.log(Level.DEBUG, () -> "dropped a plain message of " + bytes.length + " bytes: no SYN or connection id tells who sent it");
            }
            return;
        }
        receiver.onMessage(from, message);
    }

    /** I2P's callbacks for the session; they run on I2P's threads. */
    private final class Listener implements I2PSessionMuxedListener {

        @Override
        public void messageAvailable(I2PSession from, int id, long size, int protocol, int fromPort, int toPort) {
            if (session.isClosed()) {
                return;
            }
            session.socket().acknowledgeReceived();
            byte[] bytes;
            try {
                bytes = from.receiveMessage(id);
            } catch (I2PSessionException e) {
                LOG.log(Level.DEBUG, () -> "I2CP message " + id + " could not be read: " + e.getMessage());
                return;
            }
            if (bytes != null) {
                deliver(bytes, protocol, fromPort);
            }
        }

        @Override
        public void messageAvailable(I2PSession from, int id, long size) {
            messageAvailable(from, id, size, I2PSession.PROTO_UNSPECIFIED, 0, 0);
        }

        @Override
        public void reportAbuse(I2PSession from, int severity) {
            LOG.log(Level.DEBUG, () -> "the router reported abuse of severity " + severity);
        }

        @Override
        public void disconnected(I2PSession dropped) {
            session.lost(dropped, "disconnected");
        }

        @Override
        public void errorOccurred(I2PSession in, String message, Throwable error) {
            LOG.log(Level.DEBUG, () -> "I2CP error: " + message + (error != null ? " (" + error + ")" : ""));
        }
    }
}
