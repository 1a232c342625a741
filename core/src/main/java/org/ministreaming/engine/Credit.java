package org.ministreaming.engine;

/**
 * A connection's accounts under the credit extension: how much it may still send, and how much
 * its reader has consumed that the peer has not yet been given back.
 *
 * <p>Invariant for each direction: the sender's credit, plus the bytes in flight, plus the bytes
 * buffered at the receiver, plus the bytes read but not yet granted back, equals the receiver's
 * window. So the receive buffer never holds more than the window, and a sender waits instead of
 * overrunning it.
 *
 * <p>Not thread-safe: guarded by its connection's lock.
 */
final class Credit {

    private final int receiveWindow;
    private final int peerWindow;
    private final int grantThreshold;
    private long sendCredit;
    private int unreported;

    /**
     * @param receiveWindow the bytes this side buffers for the connection
     * @param peerWindow the bytes the peer buffers: this side's first credit, and the most it may hold
     */
    Credit(int receiveWindow, int peerWindow) {
        this.receiveWindow = receiveWindow;
        this.peerWindow = peerWindow;
        this.grantThreshold = Math.max(1, receiveWindow / 4);
        this.sendCredit = peerWindow;
    }

    /**
     * Takes up to {@code wanted} bytes of credit; 0 when there is none, or when there is less
     * than {@code wanted} and less than an eighth of the peer's window, so that a writer waits
     * for a grant instead of sending slivers. The wait always ends while the peer reads: the
     * credit missing is then more than the quarter window after which the peer grants.
     */
    int take(int wanted) {
        if (sendCredit < wanted && sendCredit < Math.max(1, peerWindow / 8)) {
            return 0;
        }
        int granted = (int) Math.min(wanted, sendCredit);
        sendCredit -= granted;
        return granted;
    }

    /**
     * Adds credit the peer granted.
     *
     * @return {@code false} if that would give more credit than the peer's window, which a peer
     *     keeping the rules never does (nothing is added then)
     */
    boolean add(int increment) {
        if (sendCredit + increment > peerWindow) {
            return false;
        }
        sendCredit += increment;
        return true;
    }

    /**
     * Notes that the reader consumed {@code bytes}.
     *
     * @return the credit to grant the peer now, or 0 to wait until more has been read (grants go
     *     out in steps of a quarter window, so they cost few messages)
     */
    int consumed(int bytes) {
        unreported += bytes;
        if (unreported < grantThreshold) {
            return 0;
        }
        int grant = unreported;
        unreported = 0;
        return grant;
    }

    /** The bytes this side buffers for the connection. */
    int receiveWindow() {
        return receiveWindow;
    }

    /** The credit left, for tests and statistics. */
    long sendCredit() {
        return sendCredit;
    }
}
