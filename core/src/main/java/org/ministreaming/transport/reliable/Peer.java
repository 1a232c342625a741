package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.ministreaming.transport.Destination;

/**
 * Everything a {@link ReliableTransport} knows about one peer: whether it is reliable or plain,
 * the two epochs, the send and receive windows, the round-trip estimate and the pending
 * acknowledgement. Every decision is made here under {@link #lock}; the transport does the I/O
 * and the calls to the receiver above with what the methods return.
 *
 * <p>Thread-safe. Locks: {@link #upcall} (held by whoever hands something from this peer to the
 * receiver above) comes before {@link #lock}; nothing waits for I/O while holding {@link #lock},
 * except the plain resend of {@link #onPlain}, whose sends come from a receive callback of the
 * inner transport and never block.
 */
final class Peer {

    /** How this endpoint treats the peer. */
    enum Mode {
        /** Nothing decided yet; we send frames, and opening messages as probes ({@link Probe}). */
        START_RELIABLE,
        /** Nothing decided yet; we send plain messages (and are plain once we have). */
        START_PLAIN,
        /** We have accepted a frame from the peer. */
        RELIABLE,
        /** The peer sent a plain message, or we did: plain messages both ways. */
        PLAIN
    }

    /** Where a peer's retransmission timer is set; called under {@link #lock}. */
    interface Timers {
        /** Makes sure the peer's timer runs no later than {@code deadline} (a {@link System#nanoTime} value). */
        void arm(Peer peer, long deadline);
    }

    /** What {@link #planSend} decided. */
    record SendPlan(Kind kind, ByteBuffer bytes, String reason) {
        enum Kind {
            /** Send {@code bytes} as they are: the peer is plain. */
            PLAIN,
            /** Send {@code bytes}, which carry a numbered message: a frame, or a probe ({@link Probe}). */
            FRAME,
            /** The message waits beyond the window; nothing to send now. */
            QUEUED,
            /** The allowance is used up: the peer was declared lost for {@code reason}. */
            OVERFLOW
        }
    }

    /**
     * A message in the send window.
     *
     * @param message the message of the layer above
     * @param opening whether it opens a connection: sent as a {@link Probe} while the peer's mode is undecided
     */
    record Outgoing(ByteBuffer message, boolean opening) {
    }

    /** What the transport has to do after an arrival or a timer. */
    static final class Actions {
        /** Frames (or the {@code FF} hint) to send to the peer, in order. */
        final List<ByteBuffer> send = new ArrayList<>();
        /** Messages to hand to the receiver above, in order. */
        final List<ByteBuffer> deliver = new ArrayList<>();
        /** If set, the peer was lost or started afresh for this reason; {@link #takeLoss} has the notice. */
        String lost;
        /** Whether to send an acknowledgement once the deliveries are done, if none went out meanwhile. */
        boolean ackNow;
        /** Whether nothing is left unacknowledged: a closing transport may stop waiting. */
        boolean drained;
    }

    static final ByteBuffer PLAIN_HINT = ByteBuffer.wrap(new byte[] {(byte) 0xFF}).asReadOnlyBuffer();
    private static final int RETIRED_EPOCHS = 4;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    final Destination destination;
    /** Held while handing this peer's messages or its loss to the receiver above: one at a time. */
    final ReentrantLock upcall = new ReentrantLock();
    final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final ReliableTransport.Settings settings;
    private final Counters counters;
    private final Timers timers;
    private final boolean startPlain;

    // All below guarded by lock.
    private Mode mode;
    private int localEpoch;
    private int remoteEpoch;
    private final int[] retired = new int[RETIRED_EPOCHS];
    private int retiredNext;
    private SendWindow<Outgoing> send;
    private ReceiveWindow<ByteBuffer> receive;
    private RttEstimator rtt;
    private boolean ackPending;
    private int arrivalsUnacknowledged;
    private boolean ackTimerSet;
    private long ackDeadline;
    private long generation;
    private String lostReason;
    /** A loss the receiver above has not heard of yet; see {@link #takeLoss}. */
    private IOException pendingLoss;
    /** The timer task the transport scheduled last, and when it runs. */
    Object timerTask;
    long timerAt;

    Peer(Destination destination, ReliableTransport.Settings settings, Counters counters, Timers timers) {
        this.destination = destination;
        this.settings = settings;
        this.counters = counters;
        this.timers = timers;
        this.startPlain = settings.startPlain().test(destination);
        this.localEpoch = drawEpoch(0);
        this.mode = startPlain ? Mode.START_PLAIN : Mode.START_RELIABLE;
        freshWindows();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Decides how to send one message: plain, in a frame now, or queued beyond the window.
     * Waits while the window is full, unless {@code fromCallback}.
     *
     * @throws IOException if the peer was declared lost while waiting, or the transport closed
     * @throws InterruptedIOException if interrupted while waiting
     */
    SendPlan planSend(Outgoing message, boolean fromCallback, BooleanSupplier closed) throws IOException {
        lock.lock();
        try {
            long startGeneration = generation;
            while (true) {
                if (closed.getAsBoolean()) {
                    throw new IOException("the reliable transport is closed");
                }
                if (generation != startGeneration) {
                    throw new IOException(lostReason);
                }
                switch (mode) {
                    case PLAIN:
                        return new SendPlan(SendPlan.Kind.PLAIN, message.message(), null);
                    case START_PLAIN:
                        mode = Mode.PLAIN;
                        counters.increment(ReliableCounter.PLAIN_PEERS);
                        return new SendPlan(SendPlan.Kind.PLAIN, message.message(), null);
                    default:
                        break;
                }
                if (send.hasRoom()) {
                    SendWindow.Entry<Outgoing> entry = send.add(message);
                    send.transmitted(entry, System.nanoTime(), rtt.rto());
                    counters.increment(ReliableCounter.MESSAGES_SENT);
                    ByteBuffer bytes = transmission(entry);
                    timers.arm(this, entry.deadline());
                    if (send.hasRoom()) {
                        room.signal();
                    }
                    return new SendPlan(SendPlan.Kind.FRAME, bytes, null);
                }
                if (fromCallback) {
                    if (send.hasRoomWithAllowance()) {
                        send.add(message);
                        return new SendPlan(SendPlan.Kind.QUEUED, null, null);
                    }
                    String reason = destination + " acknowledges nothing while its messages keep provoking replies: "
                            + send.size() + " messages wait for it; declared unreachable";
                    counters.increment(ReliableCounter.PEERS_LOST);
                    reset(reason, 0);
                    return new SendPlan(SendPlan.Kind.OVERFLOW, null, reason);
                }
                try {
                    room.await();
                } catch (InterruptedException e) {
                    room.signal();
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for room in the send window to " + destination);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bytes that carry a numbered message: a data frame, or a probe for an opening message
     * while nothing was heard from the peer.
     */
    private ByteBuffer transmission(SendWindow.Entry<Outgoing> entry) {
        Outgoing outgoing = entry.payload();
        if (mode == Mode.START_RELIABLE && outgoing.opening()) {
            counters.increment(ReliableCounter.PROBES_SENT);
            return Probe.encode(outgoing.message(), localEpoch, entry.seq());
        }
        ByteBuffer frame = Frame.data(localEpoch, remoteEpoch, entry.seq(), receive.cumulative(), receive.sack(), outgoing.message()).encode();
        ackSent();
        return frame;
    }

    private ByteBuffer pureAck() {
        ByteBuffer frame = Frame.ack(localEpoch, remoteEpoch, receive.cumulative(), receive.sack()).encode();
        ackSent();
        counters.increment(ReliableCounter.PURE_ACKS_SENT);
        return frame;
    }

    private void ackSent() {
        if (remoteEpoch != 0) {
            ackPending = false;
            arrivalsUnacknowledged = 0;
            ackTimerSet = false;
        }
    }

    /** A pure acknowledgement if one is still owed (no frame carried it meanwhile), else {@code null}. */
    ByteBuffer takeAck() {
        lock.lock();
        try {
            return ackPending && remoteEpoch != 0 && mode == Mode.RELIABLE ? pureAck() : null;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- receiving

    /** Takes a frame from the peer. */
    Actions onFrame(Frame frame, long now) {
        Actions actions = new Actions();
        lock.lock();
        try {
            if (mode == Mode.PLAIN) {
                counters.increment(ReliableCounter.FRAMES_FROM_PLAIN_PEERS);
                actions.send.add(PLAIN_HINT.duplicate());
                return actions;
            }
            if (frame.isReset()) {
                onReset(frame, actions);
                return actions;
            }
            int sender = frame.senderEpoch();
            int addressedTo = frame.receiverEpoch();
            if ((addressedTo != 0 && addressedTo != localEpoch) || isRetired(sender)) {
                counters.increment(ReliableCounter.STALE_FRAMES);
                counters.increment(ReliableCounter.RESETS_SENT);
                actions.send.add(Frame.reset(localEpoch, sender).encode());
                return actions;
            }
            boolean ackValid = addressedTo != 0;
            if (remoteEpoch == 0) {
                remoteEpoch = sender;
            } else if (sender != remoteEpoch) {
                String reason = destination + " started afresh (epoch " + HEX.toHexDigits(sender) + " after "
                        + HEX.toHexDigits(remoteEpoch) + "): it restarted or gave up on this endpoint";
                counters.increment(ReliableCounter.PEERS_RESTARTED);
                actions.lost = reason;
                if (addressedTo == localEpoch) {
                    // Its new state already took our stream from its start: only its stream restarts.
                    restartReceiving(reason, sender);
                } else {
                    // Its new state does not know our stream: ours restarts too, under a new epoch.
                    reset(reason, sender);
                    ackValid = false;
                }
            }
            mode = Mode.RELIABLE;
            if (ackValid) {
                acknowledge(frame, now, actions);
            }
            if (frame.hasData()) {
                receiveData(frame, now, actions);
            }
            actions.drained = !send.hasUnacknowledged();
            rearm();
            return actions;
        } finally {
            lock.unlock();
        }
    }

    private void onReset(Frame frame, Actions actions) {
        if (frame.receiverEpoch() != localEpoch) {
            counters.increment(ReliableCounter.STALE_FRAMES);
            return;
        }
        String reason = destination + " does not know this endpoint's epoch " + HEX.toHexDigits(localEpoch)
                + ": it restarted or gave up on this endpoint";
        counters.increment(ReliableCounter.PEERS_RESTARTED);
        reset(reason, 0);
        actions.lost = reason;
        actions.drained = true;
    }

    private void acknowledge(Frame frame, long now, Actions actions) {
        int before = send.size();
        SendWindow.AckResult<Outgoing> result = send.acknowledge(frame.ack(), frame.sack(), now, reorderTolerance());
        if (result.rttSample() >= 0) {
            rtt.sample(result.rttSample());
        }
        for (SendWindow.Entry<Outgoing> entry : result.toTransmit()) {
            if (entry.transmitted()) {
                counters.increment(ReliableCounter.RETRANSMITTED);
                counters.increment(ReliableCounter.FAST_RETRANSMITTED);
            } else {
                counters.increment(ReliableCounter.MESSAGES_SENT);
            }
            send.transmitted(entry, now, rtt.rto());
            actions.send.add(transmission(entry));
        }
        for (int freed = before - send.size(); freed > 0; freed--) {
            room.signal();
        }
    }

    /** RACK's reordering window: a quarter of the smoothed round trip, at least the clock granularity. */
    private long reorderTolerance() {
        return Math.max(RttEstimator.GRANULARITY_NANOS, rtt.srtt() / 4);
    }

    private void receiveData(Frame frame, long now, Actions actions) {
        ReceiveWindow.Result<ByteBuffer> result = receive.accept(frame.seq(), frame.payload());
        ackPending = true;
        switch (result.outcome()) {
            case IN_ORDER -> {
                actions.deliver.addAll(result.deliverable());
                counters.add(ReliableCounter.MESSAGES_DELIVERED, result.deliverable().size());
                arrivalsUnacknowledged++;
                boolean filledGap = result.deliverable().size() > 1;
                if (arrivalsUnacknowledged >= 2 || filledGap || receive.held() > 0 || settings.ackDelayNanos() == 0) {
                    actions.ackNow = true;
                } else if (!ackTimerSet) {
                    ackTimerSet = true;
                    ackDeadline = now + settings.ackDelayNanos();
                }
            }
            case HELD -> {
                counters.increment(ReliableCounter.OUT_OF_ORDER_HELD);
                actions.ackNow = true;
            }
            case DUPLICATE -> {
                counters.increment(ReliableCounter.DUPLICATES_DISCARDED);
                actions.ackNow = true;
            }
            case OUT_OF_WINDOW -> {
                counters.increment(ReliableCounter.OUT_OF_WINDOW);
                actions.ackNow = true;
            }
        }
    }

    /**
     * Takes a probe ({@link Probe}: an opening message sent plain with the layer's offer). Unless
     * the peer is plain already, it is the data frame it stands for: the peer is one of ours and
     * gets frames from now on. Towards a peer this side starts plain with, the offer is declined:
     * the message is delivered without its trailer, and the peer is plain.
     *
     * @return what to do, or {@code null} if the peer is plain and the probe is an ordinary plain
     *     message to it
     */
    Actions onProbe(Frame probe, long now) {
        lock.lock();
        try {
            switch (mode) {
                case PLAIN -> {
                    return null;
                }
                case START_PLAIN -> {
                    mode = Mode.PLAIN;
                    counters.increment(ReliableCounter.PROBES_RECEIVED);
                    counters.increment(ReliableCounter.PLAIN_PEERS);
                    Actions actions = new Actions();
                    actions.deliver.add(probe.payload());
                    actions.drained = true;
                    return actions;
                }
                default -> {
                    counters.increment(ReliableCounter.PROBES_RECEIVED);
                    return onFrame(probe, now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a plain message from the peer, which makes it a plain peer. If we had started with
     * frames and heard nothing, what we sent in frames is sent again plain, in order, through
     * {@code resend} (called under the lock, from the inner transport's receive callback, so it
     * never blocks). If the peer had spoken frames before, it started afresh as a plain peer.
     *
     * @return what to do; {@link Actions#deliver} is left to the caller (the message itself)
     */
    Actions onPlain(Consumer<ByteBuffer> resend) {
        Actions actions = new Actions();
        lock.lock();
        try {
            switch (mode) {
                case PLAIN -> {
                    return actions;
                }
                case START_PLAIN -> mode = Mode.PLAIN;
                case START_RELIABLE -> {
                    List<Outgoing> pending = send.unacknowledged();
                    mode = Mode.PLAIN;
                    send = newSendWindow();
                    for (Outgoing outgoing : pending) {
                        // Opening messages went plain already, as probes: a plain peer would take a
                        // second copy of a SYN as a second connection.
                        if (!outgoing.opening()) {
                            resend.accept(outgoing.message().duplicate());
                        }
                    }
                    room.signalAll();
                }
                case RELIABLE -> {
                    String reason = destination + " now sends plain messages: it started afresh as a plain peer";
                    counters.increment(ReliableCounter.PEERS_RESTARTED);
                    reset(reason, 0);
                    mode = Mode.PLAIN;
                    actions.lost = reason;
                }
            }
            counters.increment(ReliableCounter.PLAIN_PEERS);
            actions.drained = true;
            return actions;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- timers and loss

    /** Runs the peer's timer: retransmissions, the retry limit, a delayed acknowledgement. */
    Actions onTimer(Object task, long now) {
        Actions actions = new Actions();
        lock.lock();
        try {
            if (timerTask == task) {
                timerTask = null;
            }
            if (mode == Mode.PLAIN || mode == Mode.START_PLAIN) {
                return actions;
            }
            List<SendWindow.Entry<Outgoing>> due = send.expired(now);
            for (SendWindow.Entry<Outgoing> entry : due) {
                if (entry.timeouts() >= settings.maxRetries()) {
                    String reason = "no acknowledgement from " + destination + " after " + entry.transmissions() + " tries";
                    counters.increment(ReliableCounter.PEERS_LOST);
                    reset(reason, 0);
                    actions.lost = reason;
                    actions.drained = true;
                    return actions;
                }
            }
            if (!due.isEmpty() && send.isOldest(due.get(0))) {
                rtt.backoff();
            }
            for (SendWindow.Entry<Outgoing> entry : due) {
                send.timedOut(entry);
                counters.increment(ReliableCounter.TIMEOUTS);
                counters.increment(ReliableCounter.RETRANSMITTED);
                send.transmitted(entry, now, rtt.rto());
                actions.send.add(transmission(entry));
            }
            for (SendWindow.Entry<Outgoing> entry : send.reorderingLost(now, reorderTolerance())) {
                counters.increment(ReliableCounter.RETRANSMITTED);
                counters.increment(ReliableCounter.FAST_RETRANSMITTED);
                send.transmitted(entry, now, rtt.rto());
                actions.send.add(transmission(entry));
            }
            if (ackTimerSet && ackDeadline - now <= 0) {
                ackTimerSet = false;
                if (ackPending && remoteEpoch != 0 && mode == Mode.RELIABLE) {
                    actions.send.add(pureAck());
                }
            }
            rearm();
            return actions;
        } finally {
            lock.unlock();
        }
    }

    /** Sets the timer for the earliest retransmission or delayed acknowledgement, if there is one. */
    private void rearm() {
        OptionalLong earliest = earlier(send.nextDeadline(), send.reorderingDeadline(reorderTolerance()));
        if (ackTimerSet) {
            earliest = earlier(earliest, OptionalLong.of(ackDeadline));
        }
        if (earliest.isPresent()) {
            timers.arm(this, earliest.getAsLong());
        }
    }

    private static OptionalLong earlier(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.getAsLong() - b.getAsLong() <= 0 ? a : b;
    }

    /** The inner transport lost its link to the peer: start afresh next time. */
    void linkLost(IOException cause) {
        lock.lock();
        try {
            reset(cause.getMessage(), 0, cause);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every sender waiting for room, to see that the transport closed. */
    void wakeAll() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether frames sent to the peer wait for acknowledgement. */
    boolean hasUnacknowledged() {
        lock.lock();
        try {
            return (mode == Mode.START_RELIABLE || mode == Mode.RELIABLE) && send.hasUnacknowledged();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets everything about the peer's stream and ours: new windows, a new local epoch, the
     * old remote epoch retired. Waiting senders fail with {@code reason}, and the receiver above
     * is to hear of it ({@link #takeLoss}).
     *
     * @param adopt the peer's epoch to accept from now on, or 0 to wait for its next one
     */
    private void reset(String reason, int adopt) {
        reset(reason, adopt, null);
    }

    private void reset(String reason, int adopt, IOException cause) {
        if (remoteEpoch != 0) {
            retire(remoteEpoch);
        }
        localEpoch = drawEpoch(localEpoch);
        remoteEpoch = adopt;
        mode = adopt != 0 ? Mode.RELIABLE : startPlain ? Mode.START_PLAIN : Mode.START_RELIABLE;
        freshWindows();
        generation++;
        lostReason = reason;
        if (pendingLoss == null) {
            pendingLoss = cause != null ? new IOException(reason, cause) : new IOException(reason);
        }
        room.signalAll();
    }

    /**
     * The loss the receiver above must hear of before anything else from this peer, once; call
     * with {@link #upcall} held, so no later message can overtake it.
     *
     * @return the notice, or {@code null} if there is none
     */
    IOException takeLoss() {
        lock.lock();
        try {
            IOException loss = pendingLoss;
            pendingLoss = null;
            return loss;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The peer's stream restarted under {@code epoch} while it knows ours: a fresh receive window,
     * the old epoch retired, and the receiver above is to hear that the peer's connections are
     * gone. Our own stream goes on.
     */
    private void restartReceiving(String reason, int epoch) {
        retire(remoteEpoch);
        remoteEpoch = epoch;
        freshReceiveWindow();
        if (pendingLoss == null) {
            pendingLoss = new IOException(reason);
        }
    }

    private void freshWindows() {
        send = newSendWindow();
        rtt = new RttEstimator(settings.minRtoNanos(), settings.initialRtoNanos(), settings.maxRtoNanos());
        freshReceiveWindow();
    }

    private void freshReceiveWindow() {
        receive = new ReceiveWindow<>(settings.window(), 0);
        ackPending = false;
        arrivalsUnacknowledged = 0;
        ackTimerSet = false;
    }

    private SendWindow<Outgoing> newSendWindow() {
        return new SendWindow<>(settings.window(), settings.callbackAllowance(), 0);
    }

    private int drawEpoch(int previous) {
        int epoch;
        do {
            epoch = settings.random().nextInt();
        } while (epoch == 0 || epoch == previous || isRetired(epoch));
        return epoch;
    }

    private void retire(int epoch) {
        retired[retiredNext] = epoch;
        retiredNext = (retiredNext + 1) % RETIRED_EPOCHS;
    }

    private boolean isRetired(int epoch) {
        for (int old : retired) {
            if (old == epoch && old != 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- for tests

    /** A snapshot for tests and statistics. */
    record State(Mode mode, int localEpoch, int remoteEpoch, int unacknowledged, int held, long rtoNanos, long srttNanos) {
    }

    State state() {
        lock.lock();
        try {
            return new State(mode, localEpoch, remoteEpoch, send.size(), receive.held(), rtt.rto(), rtt.srtt());
        } finally {
            lock.unlock();
        }
    }
}
