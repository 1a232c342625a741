package org.ministreaming.transport.reliable;

import java.util.List;

/**
 * RACK's view of a send window (RFC 8985): when the most recently sent message that has been
 * acknowledged was sent, and its round trip. A message in flight sent before that one counts as
 * lost once it has been out for longer than that round trip plus a reordering tolerance.
 *
 * <p>A message sent more than once counts as acknowledged for RACK only if its acknowledgement
 * came at least the lowest round trip measured ({@code min_RTT}) after its last copy left (RFC
 * 8985's step 2): sooner, it answers an earlier copy. So an acknowledged retransmission (a
 * repair, a tail-loss probe) shows that what was sent before it and is still missing was lost.
 *
 * <p>Not thread-safe: the owner's lock guards it.
 */
final class Rack {

    private long newestAckedSentAt;
    private long newestAckedRtt;
    private boolean anyAcked;
    /** The lowest round trip measured on a message sent once; -1 before the first. */
    private long minRtt = -1;

    /** Takes a round-trip sample of a message sent once (Karn's algorithm), for the lowest round trip. */
    void sampled(long rtt) {
        if (rtt >= 0 && (minRtt < 0 || rtt < minRtt)) {
            minRtt = rtt;
        }
    }

    /** Takes the messages one acknowledgement acknowledged for the first time, at {@code now}. */
    void acknowledged(List<? extends SendWindow.Entry<?>> acknowledged, long now) {
        SendWindow.Entry<?> latest = null;
        for (SendWindow.Entry<?> entry : acknowledged) {
            boolean answersLastCopy = entry.transmissions() == 1 || (minRtt >= 0 && now - entry.sentAt() >= minRtt);
            if (answersLastCopy && (latest == null || entry.sentAt() - latest.sentAt() > 0)) {
                latest = entry;
            }
        }
        if (latest != null && (!anyAcked || latest.sentAt() - newestAckedSentAt >= 0)) {
            newestAckedSentAt = latest.sentAt();
            newestAckedRtt = now - latest.sentAt();
            anyAcked = true;
        }
    }

    /** Whether RACK watches {@code entry}: it was sent before the most recently sent message acknowledged. */
    boolean watches(SendWindow.Entry<?> entry) {
        return anyAcked && newestAckedSentAt - entry.sentAt() > 0;
    }

    /** When a watched {@code entry} counts as lost if it is not acknowledged by then. */
    long deadline(SendWindow.Entry<?> entry, long reorderTolerance) {
        return entry.sentAt() + newestAckedRtt + reorderTolerance;
    }
}
