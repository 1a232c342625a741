package org.ministreaming.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.transport.Destination;

/**
 * A plain TCP link without threads of its own: a non-blocking {@link SocketChannel} served by
 * its transport's {@link LinkLoop}.
 *
 * <p><b>Writing.</b> One writer at a time, under {@code writeLock}. A thread that queued a
 * message (a sender, a reply from a reader) writes the queue itself when nobody else is writing,
 * the hello has gone and nothing is left over from a full socket, so the loop need not be woken;
 * otherwise, or when the socket took only part, it wakes the loop, once until it begins writing.
 * A reply the loop itself provokes is written at once. The writer takes the queued frames, the
 * replies first, into a pooled direct buffer and writes it to the channel, until the queue is
 * empty or the socket takes no more. In that case the rest waits in the buffer, the loop watches
 * for room ({@code OP_WRITE}), and senders of data wait for room in the queue as before.
 *
 * <p><b>Reading.</b> The loop reads, when the socket is readable, at most one buffer's worth into
 * a pooled direct buffer, which the link keeps only while a frame is incomplete, and hands each
 * whole frame to the receiver on the loop's thread, one at a time and in order. A receiver that
 * is slow so slows the reading of its links: nothing is buffered beyond one read.
 *
 * <p>Thread-safe, as {@link Link}. The fields below "loop only" are used by the loop's thread
 * alone.
 */
final class ChannelLink extends Link {

    /** Buffers one link writes at most before the loop serves other links. */
    private static final int BUFFERS_PER_TURN = 4;

    private final SocketChannel channel;
    private final LinkLoop loop;
    private final DirectBuffers buffers;
    /** Whether the loop was asked to write and has not begun yet. */
    private final AtomicBoolean flushWanted = new AtomicBoolean();
    /** Held by whoever writes the channel: the loop, or a sender's thread ({@link #writtenDirectly}). */
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean started;
    private final CountDownLatch ended = new CountDownLatch(1);
    // loop only (pending is set once before the link is handed to the loop)
    /** Frames taken from the queue and not yet written, or {@code null}. */
    private ByteBuffer pending;
    /** Whether {@link #pending} came from {@link #buffers}. */
    private boolean pendingPooled;
    private boolean outputShut;
    private SelectionKey key;
    private ReadDeadlines deadlines;
    private ByteBuffer in;
    private long frameStart = -1;
    private boolean helloDone;

    private ChannelLink(TcpTransport transport, SocketChannel channel, boolean inbound, Destination peer, long queueBytes) {
        super(transport, channel.socket(), inbound, peer, queueBytes);
        this.channel = channel;
        this.loop = transport.loop();
        this.buffers = loop.buffers();
    }

    /** A link this endpoint will dial to {@code peer}; senders that may block wait until {@link #start}. */
    static ChannelLink outbound(TcpTransport transport, Destination peer, long queueBytes) throws IOException {
        return new ChannelLink(transport, SocketChannel.open(), false, peer, queueBytes);
    }

    /** A link a peer opened, known by its remote address until its hello names the peer. */
    static ChannelLink inbound(TcpTransport transport, SocketChannel accepted, long queueBytes) {
        Destination anonymous = Addresses.anonymous(transport.scheme(), (InetSocketAddress) accepted.socket().getRemoteSocketAddress());
        return new ChannelLink(transport, accepted, true, anonymous, queueBytes);
    }

    /** Makes the channel non-blocking, puts this side's hello first in line, and hands the link to the loop. */
    @Override
    void start(int helloTimeoutMillis, Tls tls) throws IOException {
        raw.setTcpNoDelay(true);
        channel.configureBlocking(false);
        deadlines = transport.deadlines(null, this::hasSent);
        byte[] hello = transport.hello();
        pending = ByteBuffer.allocate(Frames.LENGTH_BYTES + hello.length);
        Frames.put(pending, ByteBuffer.wrap(hello), Frames.EMPTY);
        pending.flip();
        started = true;
        if (failure() != null) {
            // Failed meanwhile, and stopped() may not have seen it started: the caller cleans up.
            throw new IOException("the link failed while it started: " + failure().getMessage(), failure());
        }
        loop.register(this);
        queue.markReady();
        queued();
    }

    /**
     * Something was queued, or the queue finished: written at once if this is the loop's thread
     * or nobody else writes ({@link #writtenDirectly}), else by the loop as soon as it wakes up.
     * The loop is asked once until it begins writing.
     */
    @Override
    void queued() {
        if (loop.inLoop()) {
            flush();
        } else if (!writtenDirectly() && flushWanted.compareAndSet(false, true)) {
            loop.wantFlush(this);
        }
    }

    /**
     * A sender's thread writes what is queued itself, when nobody else is writing, the hello has
     * gone and the socket takes it all: no hand-off to the loop.
     *
     * @return whether nothing is left for the loop to do
     */
    private boolean writtenDirectly() {
        if (!started || !writeLock.tryLock()) {
            return false;
        }
        try {
            if (pending != null) {
                return false;
            }
            List<Outbound> batch;
            while (failure() == null && (batch = queue.poll(buffers.size())) != null) {
                ByteBuffer buffer = buffers.take();
                for (Outbound message : batch) {
                    Frames.put(buffer, message.header(), message.payload());
                }
                channel.write(buffer.flip());
                if (buffer.hasRemaining()) {
                    pending = buffer;
                    pendingPooled = true;
                    return false;
                }
                buffers.give(buffer);
                queue.written();
            }
            return !queue.finished();
        } catch (IOException e) {
            fail(e);
            return true;
        } catch (RuntimeException | Error e) {
            fail(new IOException("writing failed: " + e, e));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes what is queued until the socket takes no more; fails the link if writing fails. Loop only (it may wait for a sender's write). */
    void flush() {
        writeLock.lock();
        try {
            flushWanted.set(false);
            write();
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            fail(new IOException("writing failed: " + e, e));
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes pending frames, then the queue, until the queue is empty or the socket takes no
     * more (then the loop watches for room), or {@value #BUFFERS_PER_TURN} buffers were written
     * (then the loop comes back after serving other links); ends the stream once the queue
     * finished empty.
     */
    private void write() throws IOException {
        for (int turn = 0; failure() == null; turn++) {
            if (pending != null) {
                channel.write(pending);
                if (pending.hasRemaining()) {
                    // Unregistered yet: the loop registers the channel watching for room anyway.
                    if (key != null && key.isValid()) {
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                    return;
                }
                if (pendingPooled) {
                    buffers.give(pending);
                }
                pending = null;
                queue.written();
            }
            if (turn == BUFFERS_PER_TURN) {
                if (flushWanted.compareAndSet(false, true)) {
                    loop.wantFlush(this);
                }
                return;
            }
            List<Outbound> batch = queue.poll(buffers.size());
            if (batch == null) {
                if (!outputShut && queue.finished()) {
                    outputShut = true;
                    channel.shutdownOutput();
                }
                return;
            }
            ByteBuffer buffer = buffers.take();
            for (Outbound message : batch) {
                Frames.put(buffer, message.header(), message.payload());
            }
            pending = buffer.flip();
            pendingPooled = true;
        }
    }

    /** The channel, for the loop to register. */
    SocketChannel channel() {
        return channel;
    }

    /** The loop registered the channel. Loop only. */
    void registered(SelectionKey selectionKey) {
        key = selectionKey;
    }

    /**
     * The socket is readable: reads once and hands over every whole frame. Fails the link on end
     * of stream, a framing violation or an error. Loop only.
     */
    void readable() {
        try {
            read();
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            // Out of memory, or a defect: this link ends, the transport and its other links go on.
            fail(new IOException("its reader failed: " + e, e));
        }
    }

    private void read() throws IOException {
        if (in == null) {
            in = buffers.take();
        }
        if (channel.read(in) < 0) {
            throw endOfStream();
        }
        in.flip();
        boolean whole = false;
        while (in.remaining() >= Frames.LENGTH_BYTES) {
            int length = in.getInt(in.position());
            if (length < 1 || length > Frames.MAX_LENGTH) {
                throw new BadPeerException("bad frame length 0x" + String.format("%08X", length)
                        + " (" + Integer.toUnsignedString(length) + "); a frame holds 1 to " + Frames.MAX_LENGTH + " bytes");
            }
            if (in.remaining() < Frames.LENGTH_BYTES + length) {
                break;
            }
            byte[] frame = new byte[length];
            in.position(in.position() + Frames.LENGTH_BYTES).get(frame);
            whole = true;
            if (helloDone) {
                deadlines.messageReceived();
                messageReceived(frame);
            } else {
                helloReceived(frame);
                deadlines.helloDone();
                helloDone = true;
            }
            if (failure() != null) {
                return;
            }
        }
        if (in.hasRemaining()) {
            in.compact();
            if (whole || frameStart < 0) {
                frameStart = System.nanoTime();
            }
        } else {
            buffers.give(in);
            in = null;
            frameStart = -1;
        }
    }

    /** What the end of the stream means here: a clean end between frames, or a bad peer. */
    private IOException endOfStream() {
        int buffered = in.position();
        if (!helloDone && buffered == 0) {
            return new BadPeerException("the stream ended before the hello");
        }
        if (buffered == 0) {
            return new EOFException(peer() + " closed the link");
        }
        if (buffered < Frames.LENGTH_BYTES) {
            return new BadPeerException("truncated frame: the stream ended after " + buffered + " of the 4 length bytes");
        }
        return new BadPeerException("truncated frame: the stream ended after " + (buffered - Frames.LENGTH_BYTES)
                + " of " + in.getInt(0) + " bytes");
    }

    /**
     * The read deadline that applies now; fails the link if it has passed. Loop only.
     *
     * @return when the loop must look again ({@link System#nanoTime}), or {@link Long#MAX_VALUE}
     */
    long deadline(long now) {
        if (failure() != null) {
            return Long.MAX_VALUE;
        }
        try {
            return deadlines.check(frameStart, now);
        } catch (BadPeerException e) {
            fail(e);
            return Long.MAX_VALUE;
        }
    }

    /** The link failed and its socket is closed: the loop reports the end. */
    @Override
    void stopped() {
        if (started) {
            loop.end(this);
        } else {
            ended.countDown();
        }
    }

    /** The loop reports the end to the transport, and lets go of the read buffer. Loop only. */
    void reportEnd() {
        if (in != null) {
            buffers.give(in);
            in = null;
        }
        try {
            transport.ended(this, failure());
        } finally {
            ended.countDown();
        }
    }

    @Override
    boolean threadsEnded() {
        return ended.getCount() == 0;
    }

    @Override
    void awaitEnd(long deadlineNanos) {
        if (loop.inLoop()) {
            return; // only the loop reports the end
        }
        try {
            ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** No threads of its own: the loop is joined by the transport. */
    @Override
    void join() {
    }
}
