package org.ministreaming.transport.reliable;

import java.nio.ByteBuffer;

/**
 * Turns a peer's numbered messages into the bytes that carry them: data frames, each stamped
 * with the acknowledgement the receiving half owes (which is then no longer owed), probes, and
 * pure acknowledgements. Data frames and acknowledgements carry {@link Frame#SEGMENTS}: this
 * side joins segments.
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

    /** A data frame carrying the entry's message and the acknowledgement owed; the message is not copied. */
    private Transmission data(SendWindow.Entry<Outgoing> entry) {
        int flags = Frame.SEGMENTS | (entry.payload().more() ? Frame.MORE : 0);
        Transmission frame = Frame.data(flags, epochs.local(), epochs.remote(), entry.seq(), receive.cumulative(), receive.sack(),
                entry.payload().message()).transmission();
        ackSent();
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
        Transmission frame = Transmission.whole(Frame.ack(Frame.SEGMENTS, epochs.local(), epochs.remote(), receive.cumulative(), receive.sack()).encode());
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
