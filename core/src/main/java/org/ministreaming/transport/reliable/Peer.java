package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.ministreaming.transport.Destination;

/**
 * Everything a {@link ReliableTransport} knows about one peer: whether it is reliable or plain,
 * the two epochs ({@link Epochs}), the sending half (window and round-trip estimate,
 * {@link SendState}), the receiving half (window and the acknowledgement owed,
 * {@link ReceiveState}) and its losses ({@link Losses}). Every decision is made here under
 * {@link #lock}; the transport does the I/O and the calls to the receiver above with what the
 * methods return.
 *
 * <p>Thread-safe. Locks: {@link #upcall} (held by whoever hands something from this peer to the
 * receiver above) comes before {@link #lock}; nothing sends while holding {@link #lock} but the
 * plain resend of {@link #onPlain}, by replies, which never block.
 */
final class Peer {

    static final ByteBuffer PLAIN_HINT = ByteBuffer.wrap(new byte[] {(byte) 0xFF}).asReadOnlyBuffer();
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    final Destination destination;
    /** Held while handing this peer's messages or its loss to the receiver above: one at a time. */
    final ReentrantLock upcall = new ReentrantLock();
    final ReentrantLock lock = new ReentrantLock();
    /** Senders waiting for room in the window, and offers to be told of it; guarded by lock. */
    private final SendRoom room;
    private final Counters counters;
    private final PeerTimer timer;
    private final boolean startPlain;
    /** Whether the inner transport proves who sent its frames, so no plain message overrides them. */
    private final boolean provenFrames;

    // All below guarded by lock.
    private Mode mode;
    private final Epochs epochs;
    private final ReceiveState receive;
    private final SendState send;
    private final Framer framer;
    private final Losses losses = new Losses();
    /** Whether the transport forgot this peer ({@link #retireIfIdle}): whoever holds it looks it up again. */
    volatile boolean retired;
    /** The timer task the transport scheduled last, and when it runs. */
    Object timerTask;
    long timerAt;

    /** A peer met afresh, or, if {@code resume}, going on with the streams {@code memory} kept ({@link Forgotten}). */
    Peer(Destination destination, ReliableTransport.Settings settings, Counters counters, PeerTimer timer, Forgotten.Memory memory,
            boolean resume, boolean provenFrames) {
        this.destination = destination;
        this.provenFrames = provenFrames;
        this.counters = counters;
        this.timer = timer;
        this.startPlain = settings.startPlain().test(destination);
        this.epochs = new Epochs(settings.random(), memory.remoteEpochs(), resume ? memory.localEpoch() : 0);
        this.receive = new ReceiveState(settings.window(), settings.ackDelayNanos(), counters, resume ? memory.receiveNext() : 0);
        this.send = new SendState(settings, counters, resume ? memory.sendNext() : 0);
        send.startFrom(memory.shortestRtt(), memory.deliveryRate());
        this.framer = new Framer(epochs, receive, counters);
        this.mode = resume ? Mode.RELIABLE : startPlain ? Mode.START_PLAIN : Mode.START_RELIABLE;
        this.room = new SendRoom(lock, destination);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Decides how to send one message: plain, in a frame now, or queued beyond the window. Towards
     * a peer that joins segments, a message longer than a frame's payload goes in consecutive
     * frames ({@link Segmenter}), numbered together so that nothing comes between them. Waits
     * while the window lacks room for them ({@link SendState#hasRoom}), unless it is a {@code reply}
     * (numbered at once, ahead of senders waiting for room, queued beyond the window if need be)
     * or not to {@code wait} ({@link SendPlan#NO_ROOM}: nothing taken; {@link #whenRoom} tells when).
     *
     * @throws IOException if the peer was declared lost while waiting, or the transport closed
     * @throws InterruptedIOException if interrupted while waiting
     */
    SendPlan planSend(Outgoing message, boolean reply, boolean wait, BooleanSupplier closed) throws IOException {
        lock.lock();
        try {
            long startLosses = losses.count();
            while (true) {
                if (retired) {
                    return SendPlan.RETIRED;
                }
                if (closed.getAsBoolean()) {
                    throw new IOException("the reliable transport is closed");
                }
                if (losses.count() != startLosses) {
                    throw new IOException(losses.lastReason());
                }
                if (mode == Mode.START_PLAIN) {
                    mode = Mode.PLAIN;
                    counters.increment(ReliableCounter.PLAIN_PEERS);
                }
                if (mode == Mode.PLAIN) {
                    return new SendPlan(SendPlan.Kind.PLAIN, List.of(Transmission.whole(message.message())), null);
                }
                List<Outgoing> parts = Segmenter.split(message, receive.peerJoinsSegments(), send.frameBytes());
                if (send.hasRoom(parts.size())) {
                    List<Transmission> frames = new ArrayList<>(parts.size());
                    for (SendWindow.Entry<Outgoing> entry : send.sendNew(parts, System.nanoTime())) {
                        frames.add(transmission(entry));
                    }
                    rearm();
                    if (send.hasRoom(1)) {
                        room.passOn();
                    }
                    return new SendPlan(SendPlan.Kind.FRAME, frames, null);
                }
                if (reply) {
                    if (send.hasRoomWithAllowance(parts.size())) {
                        parts.forEach(send::queue);
                        return new SendPlan(SendPlan.Kind.QUEUED, List.of(), null);
                    }
                    counters.increment(ReliableCounter.REPLIES_DROPPED);
                    return new SendPlan(SendPlan.Kind.FULL, List.of(), destination + " acknowledges too little for the replies to it: "
                            + send.size() + " messages wait for it; a reply was dropped");
                }
                if (!wait) {
                    room.refused(parts.size());
                    return SendPlan.NO_ROOM;
                }
                room.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The bytes that carry a numbered message ({@link Framer#numbered}). */
    private Transmission transmission(SendWindow.Entry<Outgoing> entry) {
        return framer.numbered(entry, mode == Mode.START_RELIABLE);
    }

    /** A pure acknowledgement if one is still owed (no frame carried it meanwhile), else {@code null}. */
    Transmission takeAck() {
        return Locked.call(lock, this::ackIfOwed);
    }

    private Transmission ackIfOwed() {
        return receive.ackOwed() && epochs.remote() != 0 && mode == Mode.RELIABLE ? framer.pureAck() : null;
    }

    // ---------------------------------------------------------------- receiving

    /** Takes a frame from the peer. */
    Actions onFrame(Frame frame, long now) {
        Actions actions = new Actions();
        return Locked.call(lock, () -> {
            if (mode == Mode.PLAIN) {
                counters.increment(ReliableCounter.FRAMES_FROM_PLAIN_PEERS);
                actions.send.add(Transmission.whole(PLAIN_HINT));
                return actions;
            }
            if (frame.isReset()) {
                onReset(frame, actions);
                return actions;
            }
            int sender = frame.senderEpoch();
            int addressedTo = frame.receiverEpoch();
            if ((addressedTo != 0 && addressedTo != epochs.local()) || epochs.isRetired(sender)) {
                counters.increment(ReliableCounter.STALE_FRAMES);
                counters.increment(ReliableCounter.RESETS_SENT);
                actions.send.add(Transmission.whole(Frame.reset(epochs.local(), sender).encode()));
                return actions;
            }
            boolean ackValid = addressedTo != 0;
            if (epochs.remote() == 0) {
                epochs.adopt(sender);
            } else if (sender != epochs.remote()) {
                String reason = destination + " started afresh (epoch " + HEX.toHexDigits(sender) + " after "
                        + HEX.toHexDigits(epochs.remote()) + "): it restarted or gave up on this endpoint";
                counters.increment(ReliableCounter.PEERS_RESTARTED);
                actions.lost = reason;
                if (addressedTo == epochs.local()) {
                    // Its new state already took our stream from its start: only its stream restarts.
                    restartReceiving(reason, sender);
                } else {
                    // Its new state does not know our stream: ours restarts too, under a new epoch.
                    reset(reason, sender, null);
                    ackValid = false;
                }
            }
            mode = Mode.RELIABLE;
            receive.heard(frame);
            if (ackValid) {
                acknowledge(frame, now, actions);
            }
            if (frame.hasData()) {
                String broken = receive.accept(frame, now, actions);
                if (broken != null) {
                    String reason = destination + " broke the protocol: " + broken;
                    counters.increment(ReliableCounter.OVERSIZED_MESSAGES);
                    reset(reason, 0, null);
                    actions.deliver.clear();
                    actions.lost = reason;
                    actions.ackNow = false;
                    actions.drained = true;
                    return actions;
                }
            }
            actions.drained = !send.hasUnacknowledged();
            rearm();
            return actions;
        });
    }

    private void onReset(Frame frame, Actions actions) {
        if (frame.receiverEpoch() != epochs.local()) {
            counters.increment(ReliableCounter.STALE_FRAMES);
            return;
        }
        String reason = destination + " does not know this endpoint's epoch " + HEX.toHexDigits(epochs.local())
                + ": it restarted or gave up on this endpoint";
        counters.increment(ReliableCounter.PEERS_RESTARTED);
        reset(reason, 0, null);
        actions.lost = reason;
        actions.drained = true;
    }

    private void acknowledge(Frame frame, long now, Actions actions) {
        int before = send.size();
        int inFlightBefore = send.inFlight();
        for (SendWindow.Entry<Outgoing> entry : send.acknowledge(frame, now)) {
            actions.send.add(transmission(entry));
        }
        if (send.size() < before || send.inFlight() < inFlightBefore) {
            // All: a sender of segments may need more room than one message's.
            room.made();
        }
    }

    /**
     * Takes a probe ({@link Probe}: an opening message sent plain with the layer's offer). Unless
     * the peer is plain already, it is the data frame it stands for: the peer is one of ours and
     * gets frames from now on. Towards a peer this side starts plain with, the offer is declined:
     * the message is delivered without its trailer, and the peer is plain. If the inner transport
     * proves who sent its frames and the peer speaks them, a probe with another epoch than the
     * peer's is not taken for a restart: it is dropped, and the peer gets a pure acknowledgement,
     * which a peer that did restart answers with a reset, in a frame. Returns what to do, or
     * {@code null} if the peer is plain and the probe is an ordinary plain message to it.
     */
    Actions onProbe(Frame probe, long now) {
        return Locked.call(lock, () -> {
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
                    if (speaksProvenFrames() && probe.senderEpoch() != epochs.remote()) {
                        counters.increment(ReliableCounter.UNPROVEN_CLAIMS_DROPPED);
                        return Actions.sending(framer.pureAck());
                    }
                    return onFrame(probe, now);
                }
            }
        });
    }

    /**
     * Takes a plain message from the peer, which makes it a plain peer. If we had started with
     * frames and heard nothing, what we sent in frames is sent again plain, in order, through
     * {@code resend} (called under the lock; it must never block): the opening messages that went
     * as probes only if {@code hint} says the peer is one of ours, which takes a repeated SYN for
     * the connection it opened. If the peer had spoken frames before, it started afresh as a
     * plain peer, unless the inner transport proves who sent its frames: then the message is
     * dropped. Returns what to do, or {@code null} to drop the message; {@link Actions#deliver} is
     * left to the caller (the message itself).
     *
     * @param hint whether the message is {@link #PLAIN_HINT}, a plain peer of ours' answer to a frame
     */
    Actions onPlain(boolean hint, Consumer<ByteBuffer> resend) {
        Actions actions = new Actions();
        return Locked.call(lock, () -> {
            if (speaksProvenFrames()) {
                counters.increment(ReliableCounter.UNPROVEN_CLAIMS_DROPPED);
                return null;
            }
            switch (mode) {
                case PLAIN -> {
                    return actions;
                }
                case START_PLAIN -> mode = Mode.PLAIN;
                case START_RELIABLE -> {
                    List<Outgoing> pending = send.takeForPlainPeer(hint);
                    mode = Mode.PLAIN;
                    for (Outgoing outgoing : pending) {
                        resend.accept(outgoing.message().duplicate());
                    }
                    room.made();
                }
                case RELIABLE -> {
                    String reason = destination + " now sends plain messages: it started afresh as a plain peer";
                    counters.increment(ReliableCounter.PEERS_RESTARTED);
                    reset(reason, 0, null);
                    mode = Mode.PLAIN;
                    actions.lost = reason;
                }
            }
            counters.increment(ReliableCounter.PLAIN_PEERS);
            actions.drained = true;
            return actions;
        });
    }

    /** Whether the peer speaks frames whose sender the inner transport proves: no plain message overrides them. */
    private boolean speaksProvenFrames() {
        return provenFrames && mode == Mode.RELIABLE;
    }

    // ---------------------------------------------------------------- timers and loss

    /** Runs the peer's timer: retransmissions, the retry limit, a delayed acknowledgement. */
    Actions onTimer(Object task, long now) {
        Actions actions = new Actions();
        return Locked.call(lock, () -> {
            if (timerTask == task) {
                timerTask = null;
            }
            if (mode == Mode.PLAIN || mode == Mode.START_PLAIN) {
                return actions;
            }
            SendState.Due due = send.due(now);
            if (due.gaveUp() != null) {
                String reason = "no acknowledgement from " + destination + " after " + due.gaveUp().transmissions() + " tries";
                counters.increment(ReliableCounter.PEERS_LOST);
                reset(reason, 0, null);
                actions.lost = reason;
                actions.drained = true;
                return actions;
            }
            for (SendWindow.Entry<Outgoing> entry : due.resend()) {
                actions.send.add(transmission(entry));
            }
            Transmission delayedAck = receive.ackTimerDue(now) ? ackIfOwed() : null;
            if (delayedAck != null) {
                actions.send.add(delayedAck);
            }
            rearm();
            return actions;
        });
    }

    /** Sets the timer for the earliest retransmission or delayed acknowledgement, if there is one. */
    private void rearm() {
        OptionalLong earliest = SendState.earlier(send.nextDeadline(), receive.ackTimer());
        if (earliest.isPresent()) {
            timer.arm(this, earliest.getAsLong());
        }
    }

    /** The inner transport lost its link to the peer: start afresh next time. */
    void linkLost(IOException cause) {
        Locked.run(lock, () -> reset(cause.getMessage(), 0, cause));
    }

    /**
     * Retires the peer if nothing is in flight either way (nothing unacknowledged, queued, held,
     * owed an acknowledgement or untold); call with {@link #upcall} held. Returns what to remember
     * of it ({@link Forgotten}), or {@code null} if it is busy.
     */
    Forgotten.Memory retireIfIdle() {
        return Locked.call(lock, () -> {
            if (retired || send.size() > 0 || receive.held() > 0 || receive.reassembling() || receive.ackOwed() || losses.hasPending()) {
                return null;
            }
            retired = true;
            room.made();
            int resumable = mode == Mode.RELIABLE && epochs.remote() != 0 ? epochs.local() : 0;
            return new Forgotten.Memory(epochs.remoteEpochs(), resumable, send.next(), receive.next(), send.shortestRtt(), send.deliveryRate());
        });
    }

    /**
     * Runs {@code wake} once there may be room for the messages an offer found none for: room was
     * made in the window, or the peer was lost, turned plain or was retired; at once if there is
     * room now, or the peer is plain or retired.
     */
    void whenRoom(Runnable wake) {
        if (Locked.call(lock, () -> room.whenMade(wake, retired || mode == Mode.PLAIN || mode == Mode.START_PLAIN || send.hasRoom(room.needed())))) {
            wake.run();
        }
    }

    /** Wakes every sender waiting for room, and every offer, to see that the transport closed. */
    void wakeAll() {
        Locked.run(lock, room::made);
    }

    /** Whether frames sent to the peer wait for acknowledgement. */
    boolean hasUnacknowledged() {
        return Locked.call(lock, () -> (mode == Mode.START_RELIABLE || mode == Mode.RELIABLE) && send.hasUnacknowledged());
    }

    /**
     * Forgets everything about the peer's stream and ours: new windows, a new local epoch, the
     * old remote epoch retired. Waiting senders fail with {@code reason}, and the receiver above
     * is to hear of it ({@link #takeLoss}).
     *
     * @param adopt the peer's epoch to accept from now on, or 0 to wait for its next one
     * @param cause what the transport below reported, or {@code null}
     */
    private void reset(String reason, int adopt, IOException cause) {
        epochs.renew(adopt);
        mode = adopt != 0 ? Mode.RELIABLE : startPlain ? Mode.START_PLAIN : Mode.START_RELIABLE;
        send.fresh();
        receive.fresh();
        losses.lost(reason, cause);
        room.made();
    }

    /** The loss the receiver above must hear of before anything else from this peer, once, or {@code null}; call with {@link #upcall} held, so no later message overtakes it. */
    IOException takeLoss() {
        return Locked.call(lock, losses::take);
    }

    /** The peer's stream restarted under {@code epoch} while it knows ours: a fresh receive window, the old epoch retired; ours goes on. */
    private void restartReceiving(String reason, int epoch) {
        epochs.replaceRemote(epoch);
        receive.fresh();
        losses.restarted(reason);
    }

    /** A snapshot for tests and statistics. */
    PeerState state() {
        return Locked.call(lock, () -> PeerState.of(mode, epochs, send, receive));
    }
}
