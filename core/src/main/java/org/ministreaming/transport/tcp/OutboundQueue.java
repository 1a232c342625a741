package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.pipe.Admission;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.pipe.Guard;
import org.ministreaming.pipe.Pipe;
import org.ministreaming.pipe.Placement;
import org.ministreaming.pipe.RoomWaiters;

/**
 * One link's messages waiting for the link loop, which polls a buffer's worth at a time, in two
 * lanes of one {@link Pipe}, each bounded in bytes: data, which senders put and may wait for
 * (while the link is still being dialled, when the pipe holds its writers, and while the lane holds
 * {@code limit} bytes; once waiting, until it holds at most half, as {@link Pipe} says) or offer
 * without waiting for room, to be told when there is room again ({@link #whenRoom}), and
 * replies, which never wait and go in the pipe's lane ahead, which the writer takes first, so that
 * control messages overtake queued data. An empty lane takes one message of any size, so a bound
 * below the largest message cannot wedge it. A reply that finds its lane full is refused: the peer
 * has stopped reading while it keeps provoking replies. The bytes in both lanes also count towards
 * the transport's {@link SendBudget} over all links.
 *
 * <p>Ends: {@link #finish} finishes the pipe (the writer drains it, and senders are told the
 * transport is closed), {@link #retireIfEmpty} retires an idle one (its senders go to another
 * link: {@link #put} returns {@code false}), and {@link #fail} closes the pipe's reading side,
 * which drops what is queued and fails senders with the first cause.
 *
 * <p>Thread-safe: the pipe's lock guards the messages; {@code writing} is set under it, when the
 * writer takes a batch, and cleared by the writer once the batch is written.
 */
final class OutboundQueue {

    /** What became of a message offered without waiting. */
    enum Offer {
        /** Queued: a reply ahead of the data, data behind it. */
        QUEUED,
        /** The lane holds its bound already. */
        FULL,
        /** A reply: the link failed or is finishing. Data: the link was retired and took nothing. */
        CLOSED
    }

    /** A sender's wait for the dial and for room: as long as it takes, unless interrupted. */
    private static final Deadline WAIT_FOR_ROOM = Deadline.none(() -> "interrupted while waiting for room in the send queue");
    private static final Guard NO_GUARD = () -> { };

    private final Pipe<Outbound> pipe;
    private final Admission<Boolean> replyRoom;
    private final Admission<Boolean> dataRoom;
    /** The lane's bytes at most for waiting offers to be told there is room ({@link #whenRoom}). */
    private final long lowWater;
    /** Who waits for room in the data lane ({@link #whenRoom}); each runs once. */
    private final RoomWaiters roomWaiters = new RoomWaiters("a send queue");
    /** Whether the link is connected; until then a data offer finds no room. */
    private volatile boolean ready;
    /** Whether the queue was retired ({@link #retireIfEmpty}): its senders belong to another link. */
    private volatile boolean retired;
    private final SendBudget budget;
    /** Whether the writer holds a batch it has not written yet. */
    private volatile boolean writing;

    /**
     * @param limitBytes the bound of each lane, in bytes
     * @param ready whether the link is already connected (false while it is being dialled)
     * @param budget where the bytes queued over all links are counted
     */
    OutboundQueue(long limitBytes, boolean ready, SendBudget budget) {
        this.pipe = new Pipe<>(limitBytes, Outbound::remaining, OutboundQueue::copy);
        this.replyRoom = Admission.within(limitBytes);
        this.lowWater = limitBytes / 2;
        this.dataRoom = Admission.withinOrAtMost(limitBytes, lowWater);
        this.budget = budget;
        this.ready = ready;
        if (!ready) {
            pipe.holdWriters(true);
        }
    }

    /**
     * Queues one data message, waiting for the dial to settle and for room.
     *
     * @return {@code false} if the link was retired ({@link #retireIfEmpty}) and took nothing
     * @throws IOException if the link failed or is finishing, or the wait was interrupted
     */
    boolean put(Outbound message) throws IOException {
        if (!pipe.put(message, Placement.tail(), WAIT_FOR_ROOM, NO_GUARD)) {
            return false;
        }
        budget.add(message.remaining());
        return true;
    }

    /**
     * Queues one data message if the data lane has room now, never waiting: room is what a
     * waiting sender finds, or a lane that holds at most half its bound (so that what
     * {@link #whenRoom} promises, an offer keeps). While the link is being dialled there is none.
     *
     * @return {@link Offer#QUEUED}; {@link Offer#FULL} if there is no room ({@link #whenRoom}
     *     tells when to offer again); {@link Offer#CLOSED} if the link was retired and took nothing
     * @throws IOException if the link failed or is finishing
     */
    Offer offerData(Outbound message) throws IOException {
        if (!ready) {
            return Offer.FULL;
        }
        try {
            if (pipe.offer(message, Placement.tail(), true, dataRoom) != null) {
                return Offer.FULL;
            }
        } catch (IOException ended) {
            if (retired) {
                return Offer.CLOSED;
            }
            throw ended;
        }
        budget.add(message.remaining());
        return Offer.QUEUED;
    }

    /**
     * Runs {@code wake} once when the data lane has room again (both lanes hold at most half its
     * bound, and the link is connected), or the queue has ended; at once, on this thread, if that
     * is so now. Never blocks.
     */
    void whenRoom(Runnable wake) {
        roomWaiters.add(wake);
        if (ready && pipe.held() <= lowWater || pipe.readerClosed() || retired) {
            roomWaiters.wakeAll();
        }
    }

    /** Queues one reply ahead of the data, without waiting. */
    Offer offerReply(Outbound message) {
        try {
            if (pipe.offer(message, Placement.ahead(), true, replyRoom) != null) {
                return Offer.FULL;
            }
        } catch (IOException ended) {
            return Offer.CLOSED;
        }
        budget.add(message.remaining());
        return Offer.QUEUED;
    }

    /**
     * Takes queued messages without waiting, the replies first, as many as fit {@code maxBytes}
     * of frames (each message with its length), and at least one: for a link whose writes are
     * done a buffer at a time by the transport's loop, never waiting.
     *
     * @return the replies in order, then the data in order; {@code null} if nothing is queued or
     *     the queue failed
     */
    List<Outbound> poll(int maxBytes) {
        List<Outbound> taken = pipe.poll(items -> {
            List<Outbound> batch = new ArrayList<>();
            int bytes = 0;
            for (Outbound next; (next = items.peek()) != null && (batch.isEmpty() || bytes + framed(next) <= maxBytes);) {
                items.remove();
                bytes += framed(next);
                batch.add(next);
            }
            budget.release(bytes - (long) Frames.LENGTH_BYTES * batch.size());
            writing = true;
            return batch;
        });
        if (taken != null && !roomWaiters.isEmpty() && pipe.held() <= lowWater) {
            roomWaiters.wakeAll();
        }
        return taken;
    }

    /**
     * Takes the writer's turn for a message that goes past the queue, if the queue is open to
     * data senders and holds nothing: then the message overtakes nothing, and the queue is not
     * retired or finished under it. {@link #written} ends the turn.
     *
     * @return whether the turn is taken
     */
    boolean claimEmpty() {
        return pipe.claimIfEmpty(() -> {
            if (writing) {
                return false;
            }
            writing = true;
            return true;
        });
    }

    /** Whether the queue is finishing, empty and not failed: the link may end its stream now. */
    boolean finished() {
        return pipe.drained() && !writing;
    }

    private static int framed(Outbound message) {
        return Frames.LENGTH_BYTES + message.remaining();
    }

    /** The writer has written the batch it took last. */
    void written() {
        writing = false;
    }

    /** The link is connected: senders that waited for the dial may go on. */
    void markReady() {
        ready = true;
        pipe.holdWriters(false);
        roomWaiters.wakeAll();
    }

    /**
     * Finishes the queue if both lanes are empty and the writer has written all it took: the
     * transport forgot the peer. Later data senders are told to go elsewhere ({@link #put}
     * returns {@code false}).
     *
     * @return whether the queue was idle and is retired now
     */
    boolean retireIfEmpty() {
        retired = true; // first, so that an offer the retired pipe refuses is told so
        if (!pipe.retireIfIdle(() -> !writing)) {
            retired = false;
            return false;
        }
        roomWaiters.wakeAll();
        return true;
    }

    /** No more sends; the writer takes what is queued, then {@link #finished} tells it to end the stream. */
    void finish() {
        pipe.finish(new IOException("the transport is closed"));
        roomWaiters.wakeAll();
    }

    /** Drops every queued message; waiting and later senders get {@code cause}. The first cause stays. */
    void fail(IOException cause) {
        budget.release(pipe.closeReader(cause));
        roomWaiters.wakeAll();
    }

    /** Bytes queued now, in both lanes. */
    long queuedBytes() {
        return pipe.held();
    }

    /** Whether {@link #fail} was called. */
    boolean failed() {
        return pipe.readerClosed();
    }

    /**
     * A fresh exception for one sender, of the same kind as {@code cause} ({@link ConnectException}
     * or not) and caused by it, with its reason unprefixed: the caller names the peer.
     */
    private static IOException copy(IOException cause) {
        IOException copy = cause instanceof ConnectException
                ? new ConnectException(Reasons.of(cause)) : new IOException(Reasons.of(cause));
        copy.initCause(cause);
        return copy;
    }
}
