package org.ministreaming.transport.reliable;

/**
 * A snapshot of one {@link Peer}, for tests and statistics. Immutable.
 *
 * @param mode how this endpoint treats the peer
 * @param localEpoch our epoch
 * @param remoteEpoch the peer's epoch, or 0
 * @param unacknowledged messages in the send window, queued ones included
 * @param held messages held for a gap
 * @param rtoNanos the retransmission timeout
 * @param srttNanos the smoothed round trip
 * @param deliveryRate the highest delivery rate measured with more to send, bytes per second, 0 before one
 */
record PeerState(Mode mode, int localEpoch, int remoteEpoch, int unacknowledged, int held, long rtoNanos, long srttNanos,
        double deliveryRate) {

    /** The snapshot of a peer's parts; call it under the peer's lock. */
    static PeerState of(Mode mode, Epochs epochs, SendState send, ReceiveState receive) {
        return new PeerState(mode, epochs.local(), epochs.remote(), send.size(), receive.held(), send.rto(), send.srtt(), send.deliveryRate());
    }
}
