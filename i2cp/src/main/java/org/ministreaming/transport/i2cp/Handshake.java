package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import net.i2p.data.Hash;
import net.i2p.data.SigningPrivateKey;

/**
 * The envelopes of reliable mode, with the signed handshake per peer (docs/protocol.md §15): seals
 * each frame in the envelope {@link SessionIds} chooses (a signed {@link Hello} until the peer has
 * ours, then a compact envelope with the peer's session id, or a named one for a peer of the
 * version before), and opens what arrives, believing only what is proven. What it does not
 * believe is dropped and counted ({@link EnvelopeCounter}).
 *
 * <p>A compact envelope proves its sender because its session id is a random 64-bit number that
 * only the hello to that peer carried, and I2P encrypts every message end to end to its
 * destination. A hello proves its sender by its signature, is bound to its recipient by the
 * recipient's hash, and is fresh: its time within {@link #WINDOW} of the clock, its nonce never
 * accepted before ({@link Nonces}).
 *
 * <p>Thread-safe.
 */
final class Handshake {

    /** How far a hello's time may be from the receiver's clock. */
    static final Duration WINDOW = Duration.ofMinutes(2);
    /** How long a peer may stay silent, while frames go to it, before hellos go again. */
    static final Duration SILENCE = Duration.ofSeconds(3);

    private static final System.Logger LOG = System.getLogger(I2cpTransport.class.getName());

    private final byte[] destinationBytes;
    private final Hash ownHash;
    private final SigningPrivateKey signingKey;
    private final boolean refuseUnproven;
    private final LongSupplier wallMillis;
    private final LongSupplier nanos;
    private final SecureRandom random = new SecureRandom();
    private final SessionIds sessions;
    private final Nonces nonces = new Nonces(WINDOW.toMillis(), Nonces.CAPACITY);
    private final Map<EnvelopeCounter, LongAdder> counts = new EnumMap<>(EnvelopeCounter.class);

    /**
     * @param keys this side's identity
     * @param refuseUnproven whether named envelopes are refused (and never sent)
     * @param wallMillis the clock for hellos' times, milliseconds since 1970
     * @param nanos a monotonic clock for the silence time
     * @param silence how long a peer may stay silent before hellos go again
     */
    Handshake(I2pKeys keys, boolean refuseUnproven, LongSupplier wallMillis, LongSupplier nanos, Duration silence) {
        this.destinationBytes = keys.destinationBytes();
        this.ownHash = keys.i2pDestination().calculateHash();
        this.signingKey = keys.signingKey();
        this.refuseUnproven = refuseUnproven;
        this.wallMillis = wallMillis;
        this.nanos = nanos;
        this.sessions = new SessionIds(random::nextLong, silence.toNanos(), !refuseUnproven);
        for (EnvelopeCounter counter : EnvelopeCounter.values()) {
            counts.put(counter, new LongAdder());
        }
    }

    /** With the system's clocks. */
    Handshake(I2pKeys keys, boolean refuseUnproven, Duration silence) {
        this(keys, refuseUnproven, System::currentTimeMillis, System::nanoTime, silence);
    }

    /**
     * The envelope around the frame made of {@code header} and then {@code payload}, for
     * {@code to}; both buffers are left unchanged.
     *
     * @throws IOException if a hello cannot be signed
     */
    byte[] seal(net.i2p.data.Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        SessionIds.Outgoing next = sessions.sending(to, nanos.getAsLong());
        switch (next.kind()) {
            case COMPACT:
                count(EnvelopeCounter.COMPACT_SENT);
                return Envelope.sealCompact(next.peerId(), header, payload);
            case NAMED:
                count(EnvelopeCounter.NAMED_SENT);
                return Envelope.seal(destinationBytes, header, payload);
            default:
                byte[] hello = Hello.seal(wallMillis.getAsLong(), random.nextLong(), next.ownId(), next.peerId(), to.calculateHash(),
                        destinationBytes, signingKey, header, payload);
                count(EnvelopeCounter.HELLOS_SENT);
                return hello;
        }
    }

    /**
     * Opens an envelope, if it is to be believed.
     *
     * @param sealed the envelope
     * @param fromPort its I2CP source port ({@link Envelope#PORT} from this version)
     * @return its sender and frame, or {@code null} if it was dropped (and counted)
     */
    Envelope.Opened open(byte[] sealed, int fromPort) {
        try {
            Envelope.Opened opened = sealed.length == 0 ? null : switch (sealed[0]) {
                case Envelope.COMPACT -> compact(sealed);
                case Envelope.HELLO -> hello(sealed);
                case Envelope.FULL_DESTINATION -> named(sealed, fromPort);
                default -> null;
            };
            if (opened == null) {
                throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, "an envelope of unknown kind, or empty");
            }
            return opened;
        } catch (RefusedEnvelope e) {
            count(e.reason());
            LOG.log(Level.DEBUG, () -> "dropped an envelope of " + sealed.length + " bytes (" + e.reason() + "): " + e.getMessage());
            return null;
        }
    }

    /** Drops the session with {@code peer}; it stays proven. */
    void forget(net.i2p.data.Destination peer) {
        sessions.forget(peer);
    }

    /** Whether {@code destination} has proven itself with a hello. */
    boolean isProven(net.i2p.data.Destination destination) {
        return sessions.isProven(destination);
    }

    /** How many peers have a session now. */
    int sessions() {
        return sessions.size();
    }

    /** The counters, each once. */
    Map<EnvelopeCounter, Long> statistics() {
        Map<EnvelopeCounter, Long> snapshot = new EnumMap<>(EnvelopeCounter.class);
        counts.forEach((counter, count) -> snapshot.put(counter, count.sum()));
        return snapshot;
    }

    private Envelope.Opened compact(byte[] sealed) throws RefusedEnvelope {
        long id;
        try {
            id = Envelope.compactId(sealed);
        } catch (IOException e) {
            throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, e.getMessage());
        }
        net.i2p.data.Destination sender = sessions.compact(id);
        if (sender == null) {
            throw new RefusedEnvelope(EnvelopeCounter.UNKNOWN_SESSION, String.format("no peer has session id %016X", id));
        }
        count(EnvelopeCounter.COMPACT_ACCEPTED);
        return new Envelope.Opened(sender, Envelope.compactMessage(sealed));
    }

    private Envelope.Opened hello(byte[] sealed) throws RefusedEnvelope {
        Hello hello = Hello.open(sealed);
        if (!hello.recipient().equals(ownHash)) {
            throw new RefusedEnvelope(EnvelopeCounter.WRONG_RECIPIENT, "a hello for " + hello.recipient().toBase32());
        }
        long now = wallMillis.getAsLong();
        if (Math.abs(now - hello.time()) > WINDOW.toMillis()) {
            throw new RefusedEnvelope(EnvelopeCounter.STALE_HELLO, "a hello " + TimeUnit.MILLISECONDS.toSeconds(now - hello.time())
                    + " s old, more than " + WINDOW.toSeconds() + " s from this clock");
        }
        boolean fresh;
        synchronized (nonces) {
            fresh = nonces.accept(hello.nonce(), hello.time(), now);
        }
        if (!fresh) {
            throw new RefusedEnvelope(EnvelopeCounter.REPLAYED_HELLO, String.format("a hello with nonce %016X again", hello.nonce()));
        }
        sessions.hello(hello.sender(), hello.senderId(), hello.echo(), hello.time());
        count(EnvelopeCounter.HELLOS_ACCEPTED);
        return new Envelope.Opened(hello.sender(), hello.frame());
    }

    private Envelope.Opened named(byte[] sealed, int fromPort) throws RefusedEnvelope {
        Envelope.Opened opened;
        try {
            opened = Envelope.open(sealed);
        } catch (IOException e) {
            throw new RefusedEnvelope(EnvelopeCounter.MALFORMED, e.getMessage());
        }
        if (refuseUnproven) {
            throw new RefusedEnvelope(EnvelopeCounter.UNPROVEN_REFUSED, "a named envelope: unproven peers are refused");
        }
        if (!sessions.named(opened.sender(), fromPort == Envelope.PORT)) {
            throw new RefusedEnvelope(EnvelopeCounter.NAMED_PROVEN_PEER,
                    "a named envelope naming " + opened.sender().toBase32() + ", which proved itself with a hello");
        }
        count(EnvelopeCounter.UNPROVEN_ACCEPTED);
        return opened;
    }

    private void count(EnvelopeCounter counter) {
        counts.get(counter).increment();
    }
}
