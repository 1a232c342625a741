package org.ministreaming.engine;

import java.util.function.IntSupplier;

/**
 * A connection's accounts under the credit extension: how much it may still send, and how much
 * its reader has consumed that the peer has not yet been given back.
 *
 * <p>Invariant for each direction: the sender's credit, plus the bytes in flight, plus the bytes
 * buffered at the receiver, plus the bytes read but not yet granted back, equals the receiver's
 * window. So the receive buffer never holds more than the window, and a sender waits instead of
 * overrunning it. The receiver's window starts at what it offered and may {@linkplain #grow grow}
 * (never shrink): the growth goes to the peer with the next grant, on top of the bytes read.
 *
 * <p>Guarded by its connection's lock, but for the reader's count between grants: every change
 * of the receiving side happens under a reader lock of its own, this object's monitor
 * ({@link #afterRead}; no lock object, so that an idle connection costs no more heap), and a grant
 * under both, the reader lock first. So a reader that has not read a grant's worth yet does not
 * take the connection's lock, which the receive path holds while it buffers data for that reader.
 */
final class Credit {

    /** The most credit a sender may hold, as in HTTP/2: more is a broken rule. */
    static final long MAX_SEND_CREDIT = Integer.MAX_VALUE;

    private final int peerWindow;
    private int receiveWindow;
    private int grantThreshold;
    private long sendCredit;
    private int unreported;
    private int growth;
    private long lastGrantNanos;
    private boolean grantedBefore;
    private boolean keptUpAtLastGrant = true;

    /**
     * @param receiveWindow the bytes this side buffers for the connection, to begin with
     * @param peerWindow the bytes the peer offered to buffer: this side's first credit
     */
    Credit(int receiveWindow, int peerWindow) {
        this.receiveWindow = receiveWindow;
        this.peerWindow = peerWindow;
        this.grantThreshold = Math.max(1, receiveWindow / 4);
        this.sendCredit = peerWindow;
    }

    /**
     * Takes up to {@code wanted} bytes of credit; 0 when there is none, or when there is less
     * than {@code wanted} and less than an eighth of the peer's first window, so that a writer
     * waits for a grant instead of sending slivers. The wait always ends while the peer reads: the
     * credit missing is then more than the quarter window after which the peer grants (its window
     * is at least the first one).
     */
    int take(int wanted) {
        if (sendCredit < wanted && sendCredit < Math.max(1, peerWindow / 8)) {
            return 0;
        }
        int granted = (int) Math.min(wanted, sendCredit);
        sendCredit -= granted;
        return granted;
    }

    /** Gives back {@code bytes} of credit {@link #take} gave and the writer did not use: the transport had no room for them. */
    void giveBack(int bytes) {
        sendCredit += bytes;
    }

    /** Whether {@link #take} gives something for any amount wanted now. */
    boolean takable() {
        return sendCredit >= Math.max(1, peerWindow / 8);
    }

    /**
     * Adds credit the peer granted: the bytes its reader consumed, and any growth of its window.
     *
     * @return {@code false} if that would give more than {@link #MAX_SEND_CREDIT}, which a peer
     *     keeping the rules never does (nothing is added then)
     */
    boolean add(int increment) {
        if (sendCredit + increment > MAX_SEND_CREDIT) {
            return false;
        }
        sendCredit += increment;
        return true;
    }

    /**
     * Notes that the reader consumed {@code bytes}.
     *
     * @return the credit to grant the peer now, with any growth not yet granted, or 0 to wait
     *     until more has been read (grants go out in steps of a quarter window, so they cost few
     *     messages; growth goes at once, as it comes with a grant that was due before the window
     *     grew and so raised the step)
     */
    int consumed(int bytes) {
        unreported += bytes;
        if (unreported < grantThreshold && growth == 0) {
            return 0;
        }
        int grant = unreported + growth;
        unreported = 0;
        growth = 0;
        return grant;
    }

    /**
     * The reader consumed {@code bytes}: counts them while no grant is due (nor any growth waiting
     * to go), else runs {@code grant}, which takes the connection's lock and calls
     * {@link #consumed} (through {@link ReceiveWindows#grant}), all under the reader lock.
     *
     * @return the credit to grant the peer now, or 0
     */
    synchronized int afterRead(int bytes, IntSupplier grant) {
        if (growth != 0 || grantDue(bytes)) {
            return grant.getAsInt();
        }
        unreported += bytes;
        return 0;
    }

    /**
     * Whether the reader is ready for a grant: what it consumed since the last one reached a
     * quarter window. {@link #consumed} then returns the grant.
     */
    boolean grantDue(int bytes) {
        return unreported + bytes >= grantThreshold;
    }

    /**
     * Grows the receive window to {@code window}; the growth is granted with the next grant.
     *
     * @param window at least the window now
     */
    void grow(int window) {
        if (window < receiveWindow) {
            throw new IllegalArgumentException("a window only grows: " + receiveWindow + " to " + window);
        }
        growth += window - receiveWindow;
        receiveWindow = window;
        grantThreshold = Math.max(1, window / 4);
    }

    /** How long since the last grant went, or -1 before the first. */
    long sinceLastGrantNanos(long nowNanos) {
        return grantedBefore ? nowNanos - lastGrantNanos : -1;
    }

    /** Whether the reader had kept up (less than a quarter window buffered) at the last grant. */
    boolean keptUpAtLastGrant() {
        return keptUpAtLastGrant;
    }

    /** Notes a grant going now, and whether the reader had kept up. */
    void granted(long nowNanos, boolean keptUp) {
        lastGrantNanos = nowNanos;
        grantedBefore = true;
        keptUpAtLastGrant = keptUp;
    }

    /** The bytes this side buffers for the connection now. */
    int receiveWindow() {
        return receiveWindow;
    }

    /** The credit left, for tests and statistics. */
    long sendCredit() {
        return sendCredit;
    }
}
