package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * A transport decorator that turns a message transport which may drop, duplicate, reorder or
 * delay messages into one that delivers every message exactly once and in order per peer, or
 * tells the receiver that the peer is lost. The engine above it needs no change. See
 * protocol.md, "Reliable delivery layer", for the frames and rules.
 *
 * <ul>
 *   <li><b>Frames.</b> Each message travels in a frame of type {@code 7E} with a sequence
 *       number, a cumulative and a selective acknowledgement, and two epochs that keep a
 *       restarted peer apart from its earlier self. With {@code maxFrame} set, a message longer
 *       than a frame goes in consecutive frames to a peer that said it joins them, and is joined
 *       again before it is handed on; with {@code nearPath}, frames to a peer whose shortest
 *       round trip is below its bound may be larger. Acknowledgements ride on data frames; a
 *       frame of its own goes out for every second message, at once for a gap or a duplicate,
 *       and otherwise after the ack delay.</li>
 *   <li><b>Window.</b> At most {@code window} frames per peer are unacknowledged, of which
 *       at most {@code maxInFlight} neither acknowledged nor selectively acknowledged; with
 *       {@code pacing}, new frames leave no faster than a gain above the measured delivery rate
 *       ({@link Pacer}). {@link #send} waits for room. {@link #reply} never waits: a reply is numbered at once,
 *       ahead of senders waiting for room, so it keeps its order with every message numbered
 *       before it; beyond a full window up to {@code callbackAllowance} replies are queued, and
 *       past that a reply is dropped ({@code false}, counted). A peer that acknowledges nothing
 *       is declared lost by the retry limit.
 *       Frames that answer what arrives (acknowledgements, resets, the data an acknowledgement
 *       makes room for) go to the inner transport by its {@link Transport#reply}.</li>
 *   <li><b>Retransmission.</b> A message is sent again when its timer runs out (RFC 6298 timer,
 *       doubled per timeout, within a floor and a ceiling, restarted when the cumulative ack
 *       moves; the oldest only, the others' timers restart), at once when RACK finds it lost, or
 *       as a tail-loss probe when the sender stopped and nothing is acknowledged. After {@code maxRetries} timeouts of one message the peer is
 *       declared lost: the receiver hears {@link Receiver#onPeerLost}, the peer's state is
 *       dropped, and a later send starts afresh.</li>
 *   <li><b>Forgetting a peer.</b> {@link #forget} drops a peer's state if nothing is in flight
 *       either way, remembering its epochs and where both streams stood ({@link Forgotten}). A
 *       peer that kept its state for us (our last acknowledgement to it was lost, or it did not
 *       forget us yet) resumes the streams where they were with its next frame; a peer that comes
 *       back afresh, or that we reach first, is met as a new peer, and a late frame of the old
 *       streams is then stale.</li>
 *   <li><b>Plain peers.</b> A peer whose first message is a plain ministreaming message is a
 *       plain peer and gets plain messages, so the original implementation can still talk to
 *       us. Towards a peer not yet heard from we send frames, but an opening message
 *       ({@link #open}, the SYN) goes plain with the layer's offer after it, a {@link Probe}: the
 *       original answers it plain, a peer of ours in frames, so the first answer decides, with
 *       no setting. Peers the {@code startPlain} option names get plain messages from the first
 *       one on.</li>
 * </ul>
 *
 * <p>Threads: one timer thread, {@code ministreaming-reliable-<destination>}, started on first
 * use, runs retransmissions, delayed acknowledgements and the retry limit; its sends may wait
 * for the inner transport's backpressure. Everything else runs on the callers' threads and on the
 * inner transport's receive threads, which send by replies only. {@link #close} stops the timer
 * and the inner transport.
 *
 * <p>Thread-safe.
 */
public final class ReliableTransport implements Transport {

    /** Messages in flight per peer by default; the issue found none lost on I2P with up to 128 in flight. */
    public static final int DEFAULT_WINDOW = 64;
    /** The RTO floor by default. RFC 6298 says 1 s; that suits I2P, but wastes time on local links. */
    public static final Duration DEFAULT_MIN_RTO = Duration.ofMillis(200);
    /** The RTO before the first round trip was measured, as RFC 6298 says. */
    public static final Duration DEFAULT_INITIAL_RTO = Duration.ofSeconds(1);
    /** The RTO ceiling, backoff included. */
    public static final Duration DEFAULT_MAX_RTO = Duration.ofSeconds(60);
    /** Timeouts of one message before the peer is declared lost, by default. */
    public static final int DEFAULT_MAX_RETRIES = 8;
    /** How long an acknowledgement waits for a data frame to ride on, by default. */
    public static final Duration DEFAULT_ACK_DELAY = Duration.ofMillis(20);
    /** The largest frame by default, header included: no limit, each message goes in one frame. */
    public static final int DEFAULT_MAX_FRAME = Integer.MAX_VALUE;
    /** How long {@link #close} waits for frames in flight to be acknowledged, by default. */
    public static final Duration DEFAULT_CLOSE_LINGER = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger(ReliableTransport.class.getName());

    /** The options, in the units the code uses. */
    record Settings(int window, int callbackAllowance, long minRtoNanos, long initialRtoNanos, long maxRtoNanos, int maxRetries,
                    long ackDelayNanos, long closeLingerNanos, int maxFrame, long nearRoundTripNanos, int nearMaxFrame, int maxInFlight, boolean pacing, boolean tailCopies,
                    Predicate<Destination> startPlain, Random random) {
    }

    private final Transport inner;
    private final Settings settings;
    private final Counters counters = new Counters();
    private final Peers peers;
    private final PeerTimer timer;
    private final Drain drain = new Drain();
    private volatile Receiver receiver;
    private volatile boolean closing;
    private volatile boolean closed;

    ReliableTransport(Transport inner, Settings settings) {
        this.inner = inner;
        this.settings = settings;
        this.timer = new PeerTimer("ministreaming-reliable-" + inner.localDestination(), this::onTimer);
        this.peers = new Peers((d, memory, resume) -> new Peer(d, settings, counters, timer, memory, resume, inner.provesFrameSenders()),
                counters);
    }

    /**
     * Wraps {@code inner} with the default options.
     *
     * @param inner a transport not yet started; the new one owns it
     */
    public static ReliableTransport wrap(Transport inner) {
        return builder(inner).build();
    }

    /**
     * A builder for a reliable transport over {@code inner}.
     *
     * @param inner a transport not yet started; the new one owns it
     */
    public static ReliableTransportBuilder builder(Transport inner) {
        return new ReliableTransportBuilder(inner);
    }

    @Override
    public Destination localDestination() {
        return inner.localDestination();
    }

    @Override
    public byte[] synPayload() {
        return inner.synPayload();
    }

    @Override
    public void start(Receiver above) throws IOException {
        Objects.requireNonNull(above, "receiver");
        synchronized (this) {
            if (receiver != null) {
                throw new IllegalStateException("already started");
            }
            if (closing) {
                throw new IllegalStateException("closed");
            }
            receiver = above;
        }
        inner.start(new Inbound(this, counters));
    }

    /**
     * Sends one message, exactly once and in order with the others to the same peer. Waits while
     * the peer's window is full.
     *
     * <p>If this throws, the message may still arrive (at most once): a frame the inner transport
     * refused stays in the window and is sent again, as the engine above can cope with.
     *
     * @throws IOException if the transport is closed, the peer was declared lost while waiting,
     *     or the inner transport refused the message
     */
    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        send(to, new Outgoing(message, false), false, true);
    }

    /**
     * Sends one data message as {@link #send} does if the peer's window has room for it now;
     * otherwise takes nothing and returns {@code false}, and {@link #whenRoom} tells when there is
     * room again. Never waits for room; {@code sent} never runs (the message is kept until it is
     * acknowledged). A peer not met yet is met as {@link #send} meets it.
     */
    @Override
    public boolean offerLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
        return send(to, new Outgoing(message, false), false, false);
    }

    /**
     * Runs {@code wake} once the peer's window may have room for what an offer found none for
     * (an acknowledgement made room, or the peer was lost, turned plain or was forgotten); at once
     * if it has room now, or the peer is not known. It may run under the peer's lock.
     */
    @Override
    public void whenRoom(Destination to, Runnable wake) {
        Optional.ofNullable(peers.find(to)).ifPresentOrElse(peer -> peer.whenRoom(wake), wake);
    }

    /**
     * Sends one control message, exactly once and in order with the others to the same peer,
     * without waiting: numbered at once, and queued beyond a full window if need be. A frame the
     * inner transport does not take now stays in the window and is sent again.
     *
     * @return {@code false} if the transport is closed, or the peer's allowance beyond the window
     *     is used up ({@link ReliableCounter#REPLIES_DROPPED})
     */
    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        try {
            return send(to, new Outgoing(message, false), true, false);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "no reply to " + to + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * Sends an opening message like {@link #send}. To a peer not heard from yet (and not named by
     * {@code startPlain}) it goes plain, with this layer's offer after it ({@link Probe}), until the
     * peer answers: the original implementation answers it in plain and is then plain to us, a
     * peer of ours answers in frames.
     */
    @Override
    public void open(Destination to, ByteBuffer syn) throws IOException {
        send(to, new Outgoing(syn, true), false, true);
    }

    /** Sends a message by the plan its peer makes; a reply, or a message not to {@code wait}, never waits and says whether it was taken. */
    private boolean send(Destination to, Outgoing message, boolean reply, boolean wait) throws IOException {
        while (true) {
            if (closed) {
                throw new IOException("the reliable transport at " + localDestination() + " is closed");
            }
            Peer peer = peers.get(to, null);
            SendPlan plan = peer.planSend(message, reply, wait, () -> closed);
            switch (plan.kind()) {
                case PLAIN -> {
                    return transmit(plan.bytes().get(0), to, reply);
                }
                case FRAME -> {
                    // Numbered: what the inner transport does not take now, the timer sends again.
                    IOException failed = null;
                    for (Transmission frame : plan.bytes()) {
                        try {
                            transmit(frame, to, reply);
                        } catch (IOException e) {
                            failed = failed == null ? e : failed;
                        }
                    }
                    if (failed != null) {
                        throw failed;
                    }
                    return true;
                }
                case QUEUED -> {
                    return true;
                }
                case FULL -> {
                    LOG.log(Level.DEBUG, plan::reason);
                    return false;
                }
                case NO_ROOM -> {
                    return false;
                }
                case RETIRED -> {
                    // forget() dropped this peer meanwhile: the next lookup makes a fresh one.
                }
            }
        }
    }

    /** Hands bytes to the inner transport: by its reply for a reply, else by its send. */
    private boolean transmit(Transmission bytes, Destination to, boolean reply) throws IOException {
        if (reply) {
            return bytes.replyTo(inner, to);
        }
        bytes.sendTo(inner, to);
        return true;
    }

    /**
     * Drops the peer's state if nothing is in flight to or from it and no message from it is
     * being handled; otherwise keeps it. Its epochs and where its streams stood are remembered
     * ({@link Forgotten}).
     */
    @Override
    public void forget(Destination destination) {
        if (peers.forgetIfIdle(destination)) {
            inner.forget(destination);
        }
    }

    /**
     * Stops the endpoint. First waits up to the close linger for frames in flight to be
     * acknowledged (called from a receive callback, whose thread the acknowledgements may need,
     * it waits the whole linger at worst), then stops the timer thread, fails waiting senders and
     * closes the inner transport. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        if (settings.closeLingerNanos() > 0) {
            drain.await(peers.all(), settings.closeLingerNanos());
        }
        closed = true;
        timer.stop();
        peers.all().forEach(Peer::wakeAll);
        inner.close();
    }

    /** The counters, a snapshot. */
    public Map<ReliableCounter, Long> statistics() {
        return counters.snapshot();
    }

    /**
     * Worst-case time from a message's first transmission until its peer is declared lost, if
     * the peer stays silent and the retransmission timeout starts at {@code rto}: the sum of
     * {@code maxRetries + 1} timeouts, doubling from {@code rto} (but at least the floor), each
     * capped at the ceiling. With {@code rto} at the ceiling this bounds every case.
     */
    public Duration giveUpTime(Duration rto) {
        long step = Math.max(settings.minRtoNanos(), Math.min(settings.maxRtoNanos(), rto.toNanos()));
        long total = 0;
        for (int i = 0; i <= settings.maxRetries(); i++) {
            total += step;
            step = Math.min(settings.maxRtoNanos(), step * 2);
        }
        return Duration.ofNanos(total);
    }

    /** The peers this endpoint has state for. */
    public Set<Destination> peers() {
        return peers.destinations();
    }

    /** Messages to {@code peer} not yet acknowledged (queued ones included), 0 for an unknown peer. */
    public int unacknowledged(Destination peer) {
        Peer state = peers.find(peer);
        return state == null ? 0 : state.state().unacknowledged();
    }

    /** Messages from {@code peer} held for a gap to fill, 0 for an unknown peer. */
    public int held(Destination peer) {
        Peer state = peers.find(peer);
        return state == null ? 0 : state.state().held();
    }

    /** Whether this endpoint treats {@code peer} as plain (sends it plain messages). */
    public boolean isPlain(Destination peer) {
        Peer state = peers.find(peer);
        return state != null && state.state().mode() == Mode.PLAIN;
    }

    /** The peer's state, for tests in this package. */
    PeerState state(Destination peer) {
        return peers.get(peer, null).state();
    }

    @Override
    public String toString() {
        return "ReliableTransport[" + inner + "]";
    }

    // ---------------------------------------------------------------- internals

    /** Whether {@link #close} has stopped the endpoint. */
    boolean isClosed() {
        return closed;
    }

    /** The peer's state with its upcall lock held ({@link Peers#lockUpcall}). */
    Peer lockUpcall(Destination destination, Frame first) {
        return peers.lockUpcall(destination, first);
    }

    /** A peer's timer is due: retransmissions, the retry limit, a delayed acknowledgement. */
    private void onTimer(Peer peer, Object task) {
        if (closed || peer.retired) {
            return;
        }
        Actions actions = peer.onTimer(task, System.nanoTime());
        for (Transmission frame : actions.send) {
            sendQuietly(peer, frame);
        }
        if (actions.lost != null) {
            LOG.log(Level.INFO, actions.lost);
            tellLost(peer);
        }
        if (actions.drained) {
            wakeCloser();
        }
    }

    private void tellLost(Peer peer) {
        peer.upcall.lock();
        try {
            deliverLoss(peer);
        } finally {
            peer.upcall.unlock();
        }
    }

    /** Tells the receiver above of a loss not yet told; with the peer's upcall lock held. */
    void deliverLoss(Peer peer) {
        IOException loss = peer.takeLoss();
        if (loss != null) {
            lostUpcall(peer, loss);
        }
    }

    /** The timer's sends: they may wait for the inner transport's backpressure. */
    private void sendQuietly(Peer peer, Transmission frame) {
        try {
            frame.sendTo(inner, peer.destination);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "could not send a frame to " + peer.destination + ": " + e.getMessage());
        }
    }

    /** The receive path's sends: never blocking; a numbered frame not taken goes again on the timer. */
    void replyQuietly(Peer peer, Transmission frame) {
        if (!frame.replyTo(inner, peer.destination)) {
            LOG.log(Level.DEBUG, () -> "the inner transport did not take a frame for " + peer.destination);
        }
    }

    void wakeCloser() {
        if (closing) {
            drain.wake();
        }
    }

    void messageUpcall(Peer peer, ByteBuffer message) {
        try {
            receiver.onMessage(peer.destination, message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "receiver of " + localDestination() + " failed on a message from " + peer.destination, e);
        }
    }

    private void lostUpcall(Peer peer, IOException cause) {
        try {
            receiver.onPeerLost(peer.destination, cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "receiver of " + localDestination() + " failed on losing " + peer.destination, e);
        }
    }
}
