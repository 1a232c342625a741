package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;

/**
 * Turns a peer's numbered messages into the bytes that carry them: data frames, each stamped
 * with the acknowledgement the receiving half owes (which is then no longer owed), probes, and
 * pure acknowledgements. Data frames and acknowledgements carry {@link Frame#SEGMENTS} and
 * {@link Frame#READS_WIDE}: this side joins segments and reads wide SACKs. A wide SACK goes only
 * in a pure acknowledgement, so a data frame is never longer than its header and payload: while
 * one is owed, a data frame carries the narrow part and the acknowledgement stays owed.
 *
 * <p>Not thread-safe: guarded by its {@link Peer}'s lock.
 */
final class Framer {

    private final Epochs epochs;
    private final ReceiveState receive;
    private final Counters counters;

    Framer(Epochs epochs, ReceiveState receive, Counters counters) {
        this.epochs = epochs;
        this.receive = receive;
        this.counters = counters;
    }

    private static final int ANNOUNCED = Frame.SEGMENTS | Frame.READS_WIDE;

    /** A data frame carrying the entry's message and the acknowledgement owed, narrowed to the SACK field; the message is not copied. */
    private Transmission data(SendWindow.Entry<Outgoing> entry) {
        int flags = ANNOUNCED | (entry.payload().more() ? Frame.MORE : 0);
        long sack = receive.narrowSack();
        Transmission frame = Frame.data(flags, epochs.local(), epochs.remote(), entry.seq(), receive.cumulative(), sack,
                entry.payload().message()).transmission();
        if (!receive.sackWiderThan(sack)) {
            ackSent();
        }
        return frame;
    }

    /**
     * The bytes that carry a numbered message, just marked sent: a data frame, or, the first time
     * an opening message goes to a peer not heard from yet ({@code undecided}), a probe. A probe
     * goes once: it is sent again as the frame it stands for, which a peer of ours takes alike and
     * the original drops. The original opens a connection for each SYN it gets, and the data of a
     * second one would come with the same client id as the first's.
     */
    Transmission numbered(SendWindow.Entry<Outgoing> entry, boolean undecided) {
        return undecided && entry.payload().opening() && entry.transmissions() == 1 ? probe(entry) : data(entry);
    }

    private Transmission probe(SendWindow.Entry<Outgoing> entry) {
        counters.increment(ReliableCounter.PROBES_SENT);
        return Transmission.whole(Probe.encode(entry.payload().message(), epochs.local(), entry.seq()));
    }

    /** A frame that only acknowledges. */
    Transmission pureAck() {
        Transmission frame = Transmission.whole(Frame.ack(ANNOUNCED, epochs.local(), epochs.remote(), receive.cumulative(), receive.sack()).encode());
        ackSent();
        counters.increment(ReliableCounter.PURE_ACKS_SENT);
        return frame;
    }

    /** An acknowledgement counts only once the peer's epoch is known, as the peer ignores it before. */
    private void ackSent() {
        if (epochs.remote() != 0) {
            receive.ackSent();
        }
    }
}
