package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.pipe.RoomWaiters;
import org.ministreaming.transport.Destination;

/**
 * Who waits for room in one peer's send window: senders that wait on a condition of the peer's
 * lock ({@link #await}), and offers that did not wait, to be told once there may be room
 * ({@link #whenMade}, {@link org.ministreaming.transport.Transport#whenRoom}).
 *
 * <p>Guarded by the peer's lock: every method is called holding it. The wake-ups of offers run
 * under it, as the SPI allows (they must be quick and never call the transport).
 */
final class SendRoom {

    private final Condition room;
    /** The wait for {@link #room}: no deadline (the retry limit ends it at worst), and what an interrupt says. */
    private final Deadline wait;
    private final RoomWaiters offers = new RoomWaiters("a send window");
    /** The most messages an offer refused since the last wake-up needed room for: what a wake promises. */
    private int needed = 1;

    SendRoom(ReentrantLock lock, Destination destination) {
        this.room = lock.newCondition();
        this.wait = Deadline.none(() -> "interrupted while waiting for room in the send window to " + destination);
    }

    /** Waits for room; an interrupted waiter passes its wake-up on to the next, and throws. */
    void await() throws IOException {
        try {
            wait.await(room);
        } catch (InterruptedIOException e) {
            room.signal();
            throw e;
        }
    }

    /** A sender took room and left some: the next waiting sender may take it. */
    void passOn() {
        room.signal();
    }

    /** An offer found no room for {@code messages} (frames of one message): what a wake-up must promise from now on. */
    void refused(int messages) {
        needed = Math.max(needed, messages);
    }

    /** How many messages' room a wake-up promises: the most an offer refused since the last wake-up needed. */
    int needed() {
        return needed;
    }

    /**
     * Registers {@code wake} for the next {@link #made}, unless {@code now}.
     *
     * @return {@code now}: the caller runs {@code wake} itself, after letting go of the lock
     */
    boolean whenMade(Runnable wake, boolean now) {
        if (!now) {
            offers.add(wake);
        }
        return now;
    }

    /** Room was made, or the peer's state changed (lost, plain, retired, closing): every waiter looks again. */
    void made() {
        room.signalAll();
        if (!offers.isEmpty()) {
            needed = 1;
            offers.wakeAll();
        }
    }
}
