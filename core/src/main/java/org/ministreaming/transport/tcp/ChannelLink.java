package org.ministreaming.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ministreaming.transport.Destination;

/**
 * A TCP link without threads of its own: a non-blocking {@link SocketChannel} served by its
 * transport's {@link LinkLoop}, plain or through TLS ({@link TlsChannel}, which the loop drives
 * too: the handshake, then records instead of raw bytes, in the same reads and writes as below).
 *
 * <p><b>Writing.</b> One writer at a time: a sender's thread when nobody else writes a plain
 * link, else the loop ({@link LinkWriter}).
 *
 * <p><b>Reading.</b> The loop reads, when the socket is readable, at most one buffer's worth into
 * a pooled direct buffer ({@link ReadBuffer}), which the link keeps only while a frame is
 * incomplete, and hands each whole frame to the receiver on the loop's thread, one at a time and
 * in order: a frame of {@value #LEND_FROM} bytes or more as a view of the buffer, lent until the
 * receiver gives it back ({@link org.ministreaming.transport.Transport.Receiver#onLentMessage}),
 * and a shorter one, or any while the pool has as many buffers out on loan as it allows, as a
 * copy. A receiver that is slow so slows the reading of its links: nothing is buffered beyond one
 * read. A plain link's reads stop at its soft end ({@link #softEnd}, the link buffer size) but to
 * finish the frame they cut there, so a frame never has to be moved out of a buffer whose frames
 * are lent; a TLS link, whose engine wants room for a whole record, moves it into a fresh buffer
 * ({@link ReadBuffer#moveTail}).
 *
 * <p>Thread-safe, as {@link Link}. The fields below "loop only" are used by the loop's thread
 * alone.
 */
final class ChannelLink extends Link {

    /** Frames this long or longer are lent to the receiver as views of the read buffer; shorter ones are copied. */
    static final int LEND_FROM = 4096;

    private final SocketChannel channel;
    private final LinkLoop loop;
    private final DirectBuffers buffers;
    private final LinkWriter writer;
    private volatile boolean started;
    /** Counted down once a dialled TLS link's handshake is done, or the link failed. */
    private final CountDownLatch secured = new CountDownLatch(1);
    /** Whether a TLS link's handshake is done. */
    private volatile boolean handshook;
    // loop only (secure is set before the link is handed to the loop)
    /** TLS over the channel, or {@code null} for a plain link. */
    private TlsChannel secure;
    private SelectionKey key;
    private ReadDeadlines deadlines;
    /** The buffer being read into, or {@code null} between frames. */
    private ReadBuffer in;
    /** Where in {@link #in} the first byte not yet handed over is. */
    private int start;
    /** Whether the loop is in {@link #read}, where replies may flush: a flush must not read then. */
    private boolean reading;

    private ChannelLink(TcpTransport transport, SocketChannel channel, boolean inbound, Destination peer) {
        super(transport, channel.socket(), inbound, peer);
        this.channel = channel;
        this.loop = transport.loop();
        this.buffers = loop.buffers();
        this.writer = new LinkWriter(this, channel, loop, queue);
    }

    /** A link this endpoint will dial to {@code peer}; senders that may block wait until {@link #start}. */
    static ChannelLink outbound(TcpTransport transport, Destination peer) throws IOException {
        return new ChannelLink(transport, SocketChannel.open(), false, peer);
    }

    /** A link a peer opened, known by its remote address until its hello names the peer. */
    static ChannelLink inbound(TcpTransport transport, SocketChannel accepted) {
        Destination anonymous = Addresses.anonymous(transport.scheme(), (InetSocketAddress) accepted.socket().getRemoteSocketAddress());
        return new ChannelLink(transport, accepted, true, anonymous);
    }

    /** Connects; a TLS link gets its client engine, whose handshake the loop does once started. */
    @Override
    void connect(InetSocketAddress address, int timeoutMillis, Tls tls) throws IOException {
        super.connect(address, timeoutMillis, tls);
        if (tls != null) {
            secure = new TlsChannel(channel, tls.client(address.getHostString(), address.getPort()), buffers, loop.handshakes(), this::queued);
        }
    }

    /**
     * Makes the channel non-blocking, puts this side's hello first in line (a TLS link writes it
     * once the handshake is done; an inbound one gets its server engine here), and hands the link
     * to the loop.
     */
    @Override
    void start(Tls tls) throws IOException {
        raw.setTcpNoDelay(true);
        channel.configureBlocking(false);
        if (inbound && tls != null) {
            secure = new TlsChannel(channel, tls.server(), buffers, loop.handshakes(), this::queued);
        }
        deadlines = transport.settings().deadlines(secure != null, this::hasSent);
        writer.start(transport.settings().hello());
        started = true;
        if (failure() != null) {
            // Failed meanwhile, and stopped() may not have seen it started: the caller cleans up.
            throw new IOException("the link failed while it started: " + Reasons.of(failure()), failure());
        }
        loop.register(this);
        queue.markReady();
        queued();
    }

    @Override
    void awaitSecured(long deadlineNanos) throws IOException {
        if (secure == null) {
            return;
        }
        if (loop.inLoop()) {
            throw new IOException("a TLS link cannot be dialled from the link loop's own thread (a receiver), which does its handshake");
        }
        try {
            if (!secured.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("the TLS handshake was not done in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the TLS handshake");
        }
        IOException failure = failure();
        if (failure != null) {
            throw failure;
        }
    }

    /** A dialled TLS link whose handshake never finished was never the peer's: its end is no news. */
    @Override
    boolean endIsNews() {
        return (inbound || secure == null || handshook) && super.endIsNews();
    }

    /**
     * Something was queued, or the queue finished: written at once if nobody else writes a plain
     * link ({@link LinkWriter#writeQueued}), else by the loop as soon as it wakes up; queued on the
     * loop's own thread, by the loop once this round's reading is done, with all else queued
     * meanwhile. The loop is asked once until it begins writing; a link not started yet is
     * written when it starts, after its hello.
     */
    @Override
    void queued() {
        if (!started) {
            return;
        }
        if (loop.inLoop() || !writer.writeQueued()) {
            writer.askLoop();
        }
    }

    @Override
    boolean writeNow(ByteBuffer header, ByteBuffer payload, int piece) {
        return writer.writeThrough(header, payload, piece);
    }

    /**
     * Writes what is queued until the socket takes no more; fails the link if writing fails. Then
     * reads TLS records that waited for the engine's tasks or for room for its answer. Loop only.
     */
    void flush() {
        writer.flush();
        if (!reading && secure != null && failure() == null && secure.readAgain()) {
            readable();
        }
    }

    /** TLS over the channel, or {@code null} for a plain link (or one not yet connected). */
    TlsChannel tls() {
        return secure;
    }

    /** The socket has no room for what is left: the loop watches for room. Loop only. */
    void watchForRoom() {
        // Unregistered yet: the loop registers the channel watching for room anyway.
        if (key != null && key.isValid()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
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
        reading = true;
        try {
            do {
                readOnce();
            } while (secure != null && failure() == null && secure.readAgain());
        } finally {
            reading = false;
        }
        if (secure != null && failure() == null && key.isValid()) {
            // Records that wait for the engine's tasks or for room for its answer stop the reading until then.
            key.interestOps((secure.stalled() ? 0 : SelectionKey.OP_READ) | (secure.blocked() ? SelectionKey.OP_WRITE : 0));
        }
    }

    private void readOnce() throws IOException {
        if (in == null) {
            in = ReadBuffer.take(buffers);
            start = 0;
        }
        ByteBuffer bytes = in.bytes();
        int got;
        if (secure == null) {
            bytes.limit(readLimit(bytes));
            try {
                got = channel.read(bytes);
            } finally {
                bytes.limit(bytes.capacity());
            }
        } else {
            got = secure.read(bytes);
        }
        if (secure != null && secure.handshakeFinished()) {
            handshook = true;
            secured.countDown();
            queued(); // the hello and what waits behind it
        }
        if (got < 0) {
            throw endOfStream();
        }
        int end = bytes.position();
        boolean whole = false;
        int length;
        while ((length = Frames.wholeLength(bytes, start, end, inbound && secure == null)) >= 0) {
            whole = true;
            int offset = start + Frames.LENGTH_BYTES;
            start = offset + length;
            if (deadlines.helloDone()) {
                deadlines.messageReceived();
                hand(offset, length, Frames.wholeFrameAt(bytes, start, end));
            } else {
                helloReceived(copy(bytes, offset, length));
                deadlines.helloReceived();
            }
            if (failure() != null) {
                return;
            }
        }
        boolean partial = start < end;
        if (!partial) {
            in.letGo();
            in = null;
        } else if (in.lent()) {
            if (secure != null) {
                in = in.moveTail(start); // a TLS engine wants room for a whole record
                start = 0;
            } // else the frame fits where it begun: reading goes on after it
        } else if (start > 0) {
            bytes.limit(end).position(start);
            bytes.compact();
            start = 0;
        }
        deadlines.read(partial || secure != null && secure.holdsPartialRecord(), whole);
    }

    /**
     * How far a plain link's next read into {@code bytes} may go: up to the soft end, and
     * past it only to the end of the unfinished frame at {@link #start} (first to its length,
     * if that has not come yet; a length that came was checked by {@link Frames#wholeLength}
     * after the read that brought it), so that every frame ends within the buffer.
     */
    private int readLimit(ByteBuffer bytes) {
        int at = bytes.position();
        int softEnd = softEnd(buffers);
        if (at < softEnd) {
            return softEnd;
        }
        return at - start < Frames.LENGTH_BYTES ? start + Frames.LENGTH_BYTES : start + Frames.LENGTH_BYTES + bytes.getInt(start);
    }

    /**
     * Hands over the frame at {@code offset}: lent when it is long enough to be worth it and the
     * pool lends, else copied; {@code more} when another follows it in this read.
     */
    private void hand(int offset, int length, boolean more) {
        ReadBuffer.Loan loan = length >= LEND_FROM ? in.lend(offset, length) : null;
        if (loan != null) {
            messageLent(loan.view(), loan, more);
        } else {
            messageReceived(copy(in.bytes(), offset, length));
        }
    }

    private static byte[] copy(ByteBuffer bytes, int offset, int length) {
        byte[] frame = new byte[length];
        bytes.get(offset, frame);
        return frame;
    }

    /**
     * Where reads into the buffers of {@code pool} stop but to finish the frame they cut there: a
     * frame begun before this point fits whole, so none is ever moved.
     */
    static int softEnd(DirectBuffers pool) {
        return pool.size() - Frames.LENGTH_BYTES - Frames.MAX_LENGTH;
    }

    /** What the end of the stream means here: a clean end between frames, or a bad peer. */
    private IOException endOfStream() {
        int buffered = in == null ? 0 : in.bytes().position() - start;
        if (!deadlines.helloDone() && buffered == 0) {
            return new BadPeerException("the stream ended before the hello");
        }
        if (buffered == 0) {
            return new EOFException(peer() + " closed the link");
        }
        return Frames.truncated(in.bytes(), start, buffered);
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
            return deadlines.check(now);
        } catch (BadPeerException e) {
            fail(e);
            return Long.MAX_VALUE;
        }
    }

    /** The link failed and its socket is closed: the loop reports the end. */
    @Override
    void stopped() {
        secured.countDown();
        if (started) {
            loop.end(this);
        } else {
            ended.countDown();
        }
    }

    /** The loop reports the end to the transport, and lets go of the read buffer. Loop only. */
    void reportEnd() {
        if (in != null) {
            in.letGo();
            in = null;
        }
        if (secure != null) {
            secure.release();
        }
        try {
            transport.ended(this, failure());
        } finally {
            ended.countDown();
        }
    }

    @Override
    void awaitEnd(long deadlineNanos) {
        if (loop.inLoop()) {
            if (started) {
                flush(); // what its own thread queued waits for its next round, which may not come
            }
            return; // only the loop reports the end
        }
        try {
            ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
