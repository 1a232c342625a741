package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.pipe.Deadline;

/**
 * One link's messages waiting for the link loop, which polls a buffer's worth at a time, in two
 * lanes, each bounded in bytes: data, which
 * senders put and may wait for (while the link is still being dialled, and while the lane holds
 * {@code limit} bytes), and replies, which never wait and which the writer takes first, so that
 * control messages overtake queued data. An empty lane takes one message of any size, so a bound
 * below the largest message cannot wedge it. A reply that finds its lane full is refused: the
 * peer has stopped reading while it keeps provoking replies. The bytes in both lanes also count
 * towards the transport's {@link SendBudget} over all links.
 *
 * <p>Not a {@link org.ministreaming.pipe.Pipe}: a pipe has one bound, ends only by failing its
 * writers, and has no gate, while this queue bounds its two lanes apart, sends the senders of a
 * retired link elsewhere ({@link #put} returns {@code false}) and holds data back while the link
 * is dialled. Its one wait goes through the pipe's {@link Deadline}.
 *
 * <p>Thread-safe: one lock guards everything.
 */
final class OutboundQueue {

    /** What became of a reply. */
    enum Offer {
        /** Queued ahead of the data. */
        QUEUED,
        /** The lane holds its bound already. */
        FULL,
        /** The link failed or is finishing. */
        CLOSED
    }

    /** A sender's wait for the dial and for room: as long as it takes, unless interrupted. */
    private static final Deadline WAIT_FOR_ROOM = Deadline.none(() -> "interrupted while waiting for room in the send queue");

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Outbound> replies = new ArrayDeque<>();
    private final ArrayDeque<Outbound> messages = new ArrayDeque<>();
    private final long limitBytes;
    private final SendBudget budget;
    private long replyBytes;
    private long queuedBytes;
    private boolean ready;
    private boolean finishing;
    /** Finishing because the transport forgot the peer: senders go to another link. */
    private boolean retired;
    /** Whether the writer holds a batch it has not written yet. */
    private boolean writing;
    private IOException failure;

    /**
     * @param limitBytes the bound of each lane, in bytes
     * @param ready whether the link is already connected (false while it is being dialled)
     * @param budget where the bytes queued over all links are counted
     */
    OutboundQueue(long limitBytes, boolean ready, SendBudget budget) {
        this.limitBytes = limitBytes;
        this.ready = ready;
        this.budget = budget;
    }

    /**
     * Queues one data message, waiting for the dial to settle and for room.
     *
     * @return {@code false} if the link was retired ({@link #retireIfEmpty}) and took nothing
     * @throws IOException if the link failed or is finishing, or the wait was interrupted
     */
    boolean put(Outbound message) throws IOException {
        int length = message.remaining();
        lock.lock();
        try {
            while (failure == null && !finishing && (!ready || queuedBytes > 0 && queuedBytes + length > limitBytes)) {
                WAIT_FOR_ROOM.await(changed);
            }
            if (retired) {
                return false;
            }
            if (failure != null) {
                throw copy(failure);
            }
            if (finishing) {
                throw new IOException("the transport is closed");
            }
            messages.addLast(message);
            queuedBytes += length;
            budget.add(length);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Queues one reply ahead of the data, without waiting. */
    Offer offerReply(Outbound message) {
        int length = message.remaining();
        lock.lock();
        try {
            if (failure != null || finishing) {
                return Offer.CLOSED;
            }
            if (replyBytes > 0 && replyBytes + length > limitBytes) {
                return Offer.FULL;
            }
            replies.addLast(message);
            replyBytes += length;
            budget.add(length);
            changed.signalAll();
            return Offer.QUEUED;
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            if (failure != null || replies.isEmpty() && messages.isEmpty()) {
                return null;
            }
            List<Outbound> batch = new ArrayList<>();
            int bytes = 0;
            while (!replies.isEmpty() && (batch.isEmpty() || bytes + framed(replies.peekFirst()) <= maxBytes)) {
                Outbound next = replies.removeFirst();
                replyBytes -= next.remaining();
                bytes += framed(next);
                batch.add(next);
            }
            while (replies.isEmpty() && !messages.isEmpty()
                    && (batch.isEmpty() || bytes + framed(messages.peekFirst()) <= maxBytes)) {
                Outbound next = messages.removeFirst();
                queuedBytes -= next.remaining();
                bytes += framed(next);
                batch.add(next);
            }
            budget.release(bytes - (long) Frames.LENGTH_BYTES * batch.size());
            writing = true;
            changed.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the queue is finishing, empty and not failed: the link may end its stream now. */
    boolean finished() {
        lock.lock();
        try {
            return finishing && failure == null && replies.isEmpty() && messages.isEmpty() && !writing;
        } finally {
            lock.unlock();
        }
    }

    private static int framed(Outbound message) {
        return Frames.LENGTH_BYTES + message.remaining();
    }

    /** The writer has written the batch it took last. */
    void written() {
        lock.lock();
        try {
            writing = false;
        } finally {
            lock.unlock();
        }
    }

    /** The link is connected: senders that waited for the dial may go on. */
    void markReady() {
        lock.lock();
        try {
            ready = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finishes the queue if both lanes are empty and the writer has written all it took: the
     * transport forgot the peer. Later data senders are told to go elsewhere ({@link #put}
     * returns {@code false}).
     *
     * @return whether the queue was idle and is retired now
     */
    boolean retireIfEmpty() {
        lock.lock();
        try {
            if (replyBytes > 0 || queuedBytes > 0 || writing || !ready || failure != null || finishing) {
                return false;
            }
            retired = true;
            finishing = true;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** No more sends; the writer takes what is queued, then {@link #finished} tells it to end the stream. */
    void finish() {
        lock.lock();
        try {
            finishing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every queued message; waiting and later senders get {@code cause}. The first cause stays. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            budget.release(replyBytes + queuedBytes);
            replies.clear();
            messages.clear();
            replyBytes = 0;
            queuedBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued now, in both lanes. */
    long queuedBytes() {
        lock.lock();
        try {
            return replyBytes + queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #fail} was called. */
    boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** A fresh exception for one sender, of the same kind as {@code cause} and caused by it. */
    private static IOException copy(IOException cause) {
        IOException copy = cause instanceof ConnectException
                ? new ConnectException(cause.getMessage()) : new IOException(cause.getMessage());
        copy.initCause(cause);
        return copy;
    }
}
