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
 */
record PeerState(Mode mode, int localEpoch, int remoteEpoch, int unacknowledged, int held, long rtoNanos, long srttNanos) {
}
