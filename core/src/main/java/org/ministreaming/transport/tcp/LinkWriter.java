package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writing of one {@link ChannelLink}'s channel. One writer at a time, under {@code lock}: a
 * thread that queued a message (a sender, a reply from a reader) on a plain link writes the queue
 * itself when nobody else is writing, the hello has gone and nothing is left over from a full
 * socket, so the loop need not be woken (a TLS link is written by the loop alone); otherwise, or
 * when the socket took only part, it wakes the loop, once until it begins writing. A sender may
 * also write one message straight from its own buffers when the queue is empty
 * ({@link #writeThrough}, for {@link org.ministreaming.transport.Transport#sendNow}). What the
 * loop's own thread sends (a reply it provokes, or a callback run in place) is written by the loop
 * once its round's reading is done, all of a link's in one write. The writer takes the queued frames, the replies first,
 * into a pooled direct buffer and writes it to the channel, until the queue is empty or the
 * socket takes no more. In that case the rest waits in the buffer ({@code pending}), the loop
 * watches for room ({@code OP_WRITE}), and senders of data wait for room in the queue as before.
 *
 * <p>Thread-safe: {@code pending}, {@code pendingPooled} and {@code outputShut} are used under
 * {@code lock} only; {@link #start} sets them before the link is handed to the loop. Whether the
 * link speaks TLS it asks the link at each write ({@link ChannelLink#tls}): a dialled link knows
 * only once it is connected, and a write before that must not take it for a plain one.
 */
final class LinkWriter {

    /** Buffers one link writes at most before the loop serves other links. */
    private static final int BUFFERS_PER_TURN = 4;

    private final ChannelLink link;
    private final SocketChannel channel;
    private final LinkLoop loop;
    private final DirectBuffers buffers;
    private final OutboundQueue queue;
    /** Whether the loop was asked to write and has not begun yet. */
    private final AtomicBoolean flushWanted = new AtomicBoolean();
    /** Held by whoever writes the channel: the loop, or a sender's thread ({@link #writeQueued}). */
    private final ReentrantLock lock = new ReentrantLock();
    /** Whether senders' threads may write: a started plain link. */
    private volatile boolean direct;
    /** Frames taken from the queue and not yet written, or {@code null}. */
    private ByteBuffer pending;
    /** Whether {@link #pending} came from {@link #buffers}. */
    private boolean pendingPooled;
    private boolean outputShut;

    LinkWriter(ChannelLink link, SocketChannel channel, LinkLoop loop, OutboundQueue queue) {
        this.link = link;
        this.channel = channel;
        this.loop = loop;
        this.buffers = loop.buffers();
        this.queue = queue;
    }

    /**
     * Puts this side's hello first in line and lets senders' threads write a plain link. Called
     * once, before the link is handed to the loop, once the link knows whether it speaks TLS.
     */
    void start(byte[] hello) {
        pending = ByteBuffer.allocate(Frames.LENGTH_BYTES + hello.length);
        Frames.put(pending, ByteBuffer.wrap(hello), Frames.EMPTY);
        pending.flip();
        direct = link.tls() == null;
    }

    /** Asks the loop to write, once until it begins. */
    void askLoop() {
        if (flushWanted.compareAndSet(false, true)) {
            loop.wantFlush(link);
        }
    }

    /**
     * A sender's thread writes what is queued itself, when nobody else is writing, the hello has
     * gone and the socket takes it all: no hand-off to the loop. Plain links only: a TLS link
     * writes through its engine, which the loop drives.
     *
     * @return whether nothing is left for the loop to do
     */
    boolean writeQueued() {
        if (!direct || !lock.tryLock()) {
            return false;
        }
        try {
            if (pending != null) {
                return false;
            }
            List<Outbound> batch;
            while (link.failure() == null && (batch = queue.poll(buffers.size())) != null) {
                if (!writeOut(framed(batch))) {
                    return false;
                }
            }
            return !queue.finished();
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A sender's thread writes a run of messages that goes past the queue, when nobody else is
     * writing, the hello has gone, nothing is left over from a full socket and nothing is queued
     * ({@link OutboundQueue#claimEmpty}): {@code header} and each {@code piece} bytes of
     * {@code payload} (the last piece may be shorter; an empty payload is one message of the
     * header alone) framed straight from the sender's buffers into one write buffer, and written
     * at once, so that a run costs one system call. What the socket does not take waits there for
     * the loop, as after any write. A run whose frames do not fit one buffer is not taken. Plain
     * links only, as {@link #writeQueued}; never on the loop's own thread, whose sends (those of
     * callbacks run in place) are queued and written together once its round's reading is done.
     *
     * @return whether the messages were taken; if {@code false}, nothing of them was
     */
    boolean writeThrough(ByteBuffer header, ByteBuffer payload, int piece) {
        int length = payload.remaining();
        int pieces = Math.max(1, (length + piece - 1) / piece);
        if (!direct || loop.inLoop() || (long) pieces * (Frames.LENGTH_BYTES + header.remaining()) + length > buffers.size()
                || !lock.tryLock()) {
            return false;
        }
        try {
            if (pending != null || link.failure() != null || !queue.claimEmpty()) {
                return false;
            }
            ByteBuffer buffer = buffers.take();
            int from = 0;
            do { // an empty payload is one message of the header alone
                Frames.put(buffer, header, payload, payload.position() + from, Math.min(piece, length - from));
                from += piece;
            } while (from < length);
            if (!writeOut(buffer.flip())) {
                askLoop(); // the loop writes the rest, then ends the turn
            }
            return true;
        } catch (IOException | RuntimeException | Error e) {
            failed(e); // taken, and lost with the link, as a queued message is
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a buffer of frames taken from the queue (or past it): once all of it is written the
     * buffer goes back to the pool and the writer's turn ends; what the socket does not take waits
     * in {@code pending} for the loop, the turn still held. Under {@code lock}.
     *
     * @return whether the socket took all of it
     */
    private boolean writeOut(ByteBuffer buffer) throws IOException {
        channel.write(buffer);
        if (buffer.hasRemaining()) {
            pending = buffer;
            pendingPooled = true;
            return false;
        }
        buffers.give(buffer);
        queue.written();
        return true;
    }

    /** Writing threw: the link fails with it, a defect or a lack of memory wrapped as an {@code IOException}. */
    private void failed(Throwable e) {
        link.fail(e instanceof IOException io ? io : new IOException("writing failed: " + e, e));
    }

    /**
     * Writes what is queued until the socket takes no more; fails the link if writing fails.
     * Loop only (it may wait for a sender's write of a plain link).
     */
    void flush() {
        lock.lock();
        try {
            flushWanted.set(false);
            write();
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes pending frames, then the queue, until the queue is empty or the socket takes no
     * more (then the loop watches for room), or {@value #BUFFERS_PER_TURN} buffers were written
     * (then the loop comes back after serving other links); ends the stream once the queue
     * finished empty.
     */
    private void write() throws IOException {
        TlsChannel secure = link.tls();
        if (secure != null && !secure.writePending()) {
            link.watchForRoom();
            return;
        }
        for (int turn = 0; link.failure() == null; turn++) {
            if (pending != null) {
                if (secure == null) {
                    channel.write(pending);
                } else {
                    secure.write(pending);
                }
                if (pending.hasRemaining()) {
                    if (secure == null || secure.blocked()) {
                        link.watchForRoom();
                    } // else the handshake goes on, and its end writes again
                    return;
                }
                if (pendingPooled) {
                    buffers.give(pending);
                }
                pending = null;
                queue.written();
            }
            if (turn == BUFFERS_PER_TURN) {
                askLoop();
                return;
            }
            List<Outbound> batch = queue.poll(buffers.size());
            if (batch == null) {
                if (secure != null && secure.blocked()) {
                    link.watchForRoom();
                } else if (!outputShut && queue.finished()) {
                    if (secure != null && !secure.closeOutput()) {
                        link.watchForRoom();
                        return;
                    }
                    outputShut = true;
                    channel.shutdownOutput();
                }
                return;
            }
            pending = framed(batch);
            pendingPooled = true;
        }
    }

    /** A pooled buffer holding {@code batch}'s frames, ready to be written. */
    private ByteBuffer framed(List<Outbound> batch) {
        ByteBuffer buffer = buffers.take();
        for (Outbound message : batch) {
            Frames.put(buffer, message.header(), message.payload());
            message.copied();
        }
        return buffer.flip();
    }
}
