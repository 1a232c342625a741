package org.ministreaming.cli;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.ministreaming.StreamSocket;

/**
 * One tunnelled connection: a ministreaming connection joined to a TCP connection, with the
 * bytes copied both ways by a {@link TunnelLoop}, which holds no thread for it while it waits:
 * the TCP side is a non-blocking channel watched by the loop's selector, the stream side is read
 * and written without waiting ({@link StreamSocket#readNow}, {@link StreamSocket#writeNow}) and
 * watched by its readiness callbacks. Each direction is a chain of steps on the loop's workers,
 * one at a time: a step copies what it can, then asks to be woken when it can go on. A 16 KiB
 * buffer per direction is held only while it has bytes to pass on.
 *
 * <p><b>Ends.</b> Ministreaming has no half-close, TCP does; the splice maps them so that no byte
 * is lost that either side could still take:
 * <ul>
 *   <li>The TCP side ends its output (half-close or close): everything it sent is written to the
 *       stream, then the stream is closed, which ends it both ways. Bytes from the peer not yet
 *       passed on to the TCP side are lost; the protocol cannot say "no more from me, but go
 *       on".</li>
 *   <li>The stream ends (the peer closed it): everything received is written to the TCP side,
 *       then its output is shut down, so it reads to the end and sees end of stream. What it
 *       still sends is read and dropped until it closes, for at most {@link #LINGER}; so the
 *       final close never resets a connection whose last bytes the TCP side has not read, and a
 *       TCP side that never closes is closed after the linger.</li>
 *   <li>Either side fails (a reset, a lost link, a manager closing), the peer grants no credit
 *       for the stream's write timeout ({@link #creditOverdue}), or the TCP side takes no bytes
 *       for the stall timeout ({@link #tcpStalledNanos}), or for {@link #ORPHAN_STALL} once the
 *       stream is over: both are closed at once, so a stalled service cannot hold a connection
 *       and its buffers after the peer is gone. {@link Sessions} watches these deadlines. The TCP
 *       side is reset rather than closed, so that a transfer cut short by a lost peer is not
 *       taken for a complete one (the protocol has no reset, so the peer only sees a close).</li>
 * </ul>
 * When both directions have ended, both connections are closed.
 *
 * <p>Thread-safe: {@link #close} may come from any thread, and ends both directions at once.
 */
final class Splice implements AutoCloseable {

    /**
     * How long the TCP side may go on sending after the stream ended: long enough for a service to
     * finish, short enough that connections a peer opened and left do not hold their sockets for
     * long (a service that never closes holds them this long).
     */
    static final Duration LINGER = Duration.ofSeconds(5);

    /**
     * How long the TCP side may take no bytes once the stream is over (the peer closed it or is
     * gone): then only its last bytes are left to deliver, and a service that takes none of them
     * must not hold the connection for the whole stall timeout.
     */
    static final Duration ORPHAN_STALL = Duration.ofSeconds(5);

    /** Bytes per direction, held only while there are bytes to pass on (docs/robustness.md has the arithmetic). */
    private static final int BUFFER = 32 * 1024;

    private final SocketChannel tcp;
    private final String label;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Guards the stream-to-TCP steps and their state. */
    private final Object downLock = new Object();
    /** Guards the TCP-to-stream steps and their state. */
    private final Object upLock = new Object();
    /** Guarded by {@code this}; may be set later by {@link #attach}. */
    private StreamSocket stream;
    /** Guarded by {@code this}. */
    private boolean closed;
    /** Guarded by {@code this}: the directions that have ended of themselves. */
    private boolean downEnded;
    private boolean upEnded;
    /** Set once this side closes the stream or aborts: failures after that are consequences, not news. */
    private volatile boolean ending;
    /** Guarded by {@code this}: the failure {@link #start}'s future reports. */
    private IOException failure;
    /** Set by {@link #start}. */
    private volatile TunnelLoop loop;
    private volatile SelectionKey key;
    /** Bytes from the stream not yet written to the TCP side; guarded by {@code downLock}. */
    private ByteBuffer down;
    /** Bytes from the TCP side not yet written to the stream; guarded by {@code upLock}. */
    private ByteBuffer up;
    /** Guarded by {@code upLock}: the stream ended for writes, so what the TCP side sends is dropped. */
    private boolean draining;
    /** Whether the TCP side has left bytes unwritten, and since when ({@link System#nanoTime}). */
    private volatile boolean tcpStalled;
    private volatile long tcpStalledSince;
    /** Whether the stream has taken no bytes for want of credit or of room in the transport, and since when. */
    private volatile boolean creditStalled;
    private volatile long creditStalledSince;

    /**
     * A splice of {@code tcp}, connected or to be connected, and {@code stream}, or {@code null}
     * if it will be {@linkplain #attach attached} later.
     *
     * @param label names the connection in error messages, such as {@code connection from 127.0.0.1:50000}
     */
    Splice(SocketChannel tcp, StreamSocket stream, String label) {
        this.tcp = tcp;
        this.stream = stream;
        this.label = label;
    }

    /** The TCP side, for connecting it (blocking) before {@link #start}. */
    SocketChannel tcp() {
        return tcp;
    }

    /** Names the connection, for error messages. */
    String label() {
        return label;
    }

    /**
     * Sets the stream side, once it is connected.
     *
     * @throws SocketException if the splice was closed meanwhile; {@code connected} is closed then
     */
    void attach(StreamSocket connected) throws SocketException {
        synchronized (this) {
            if (!closed) {
                stream = connected;
                return;
            }
        }
        connected.close();
        throw new SocketException("closed while connecting");
    }

    /**
     * Starts copying both ways on {@code loop}; both sides must be connected.
     *
     * @return completes once both sides are closed: normally when both directions ended or the
     *     splice was closed, exceptionally with the first failure of either side, unless it came
     *     from this splice closing them
     */
    CompletableFuture<Void> start(TunnelLoop on) {
        loop = on;
        try {
            key = on.register(tcp, this::ready);
            on.workers().execute(this::downStep);
            on.workers().execute(this::upStep);
        } catch (IOException e) {
            fail(e);
        } catch (RejectedExecutionException e) {
            fail(new SocketException("stopping"));
        }
        return done;
    }

    private StreamSocket stream() {
        synchronized (this) {
            return stream;
        }
    }

    /** The selector found what a step waits for. */
    private void ready(int ops) {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            downStep();
        }
        if ((ops & SelectionKey.OP_READ) != 0) {
            upStep();
        }
    }

    /** Copies from the stream to the TCP side until one of them has to be waited for. */
    private void downStep() {
        synchronized (downLock) {
            try {
                StreamSocket from = stream();
                while (true) {
                    if (down != null && down.hasRemaining()) {
                        onTcpSide(() -> tcp.write(down));
                        if (down.hasRemaining()) {
                            if (!tcpStalled) {
                                tcpStalledSince = System.nanoTime();
                                tcpStalled = true;
                            }
                            loop.want(key, SelectionKey.OP_WRITE);
                            return;
                        }
                        tcpStalled = false;
                    }
                    if (down == null) {
                        down = ByteBuffer.allocate(BUFFER);
                    }
                    int n = from.readNow(down.array(), 0, down.capacity());
                    if (n == 0) {
                        down = null; // an idle connection holds no buffer
                        from.onReadable(loop.workers(), this::downStep);
                        return;
                    }
                    if (n < 0) {
                        down = null;
                        onTcpSide(tcp::shutdownOutput);
                        ended(true);
                        return;
                    }
                    down.clear().limit(n);
                }
            } catch (IOException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new IOException("failed: " + e, e));
            }
        }
    }

    /** Copies from the TCP side to the stream until one of them has to be waited for. */
    private void upStep() {
        synchronized (upLock) {
            try {
                StreamSocket to = stream();
                while (true) {
                    if (up != null && up.hasRemaining() && !writeToStream(to)) {
                        return;
                    }
                    if (up == null) {
                        up = ByteBuffer.allocate(BUFFER);
                    }
                    up.clear();
                    int n = onTcpSide(() -> tcp.read(up));
                    if (n == 0) {
                        up = null; // an idle connection holds no buffer
                        loop.want(key, SelectionKey.OP_READ);
                        return;
                    }
                    if (n < 0) {
                        up = null;
                        tcpInputEnded(to);
                        return;
                    }
                    up.flip();
                    if (draining) {
                        up.position(up.limit()); // dropped: nobody can receive it any more
                    }
                }
            } catch (IOException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new IOException("failed: " + e, e));
            }
        }
    }

    /**
     * Writes what the TCP side sent to the stream, as far as the peer's credit and the
     * transport's room go.
     *
     * @return whether everything was written; if not, the step is woken when more credit or room comes
     */
    private boolean writeToStream(StreamSocket to) {
        try {
            up.position(up.position() + to.writeNow(up.array(), up.position(), up.remaining()));
        } catch (IOException streamEnded) {
            // The peer closed (or the stream failed, which the other direction reports): what the
            // TCP side still sends is dropped until it closes (the linger bounds the wait).
            draining = true;
            creditStalled = false;
            up.position(up.limit());
            return true;
        }
        if (!up.hasRemaining()) {
            creditStalled = false;
            return true;
        }
        if (!creditStalled) {
            creditStalledSince = System.nanoTime();
            creditStalled = true;
        }
        to.onWritable(loop.workers(), this::upStep);
        return false;
    }

    /** The TCP side ended its output: everything it sent is in the stream, which is closed now. */
    private void tcpInputEnded(StreamSocket to) {
        if (!draining) {
            ending = true;
            to.close();
        }
        ended(false);
    }

    /** One direction ended of itself: the stream-to-TCP one ({@code downward}) or the other. */
    private void ended(boolean downward) {
        boolean both;
        synchronized (this) {
            if (downward) {
                downEnded = true;
            } else {
                upEnded = true;
            }
            both = downEnded && upEnded;
        }
        if (both) {
            close();
        } else if (downward) {
            try {
                loop.timer().schedule(this::lingered, LINGER.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                close();
            }
        }
    }

    /** The linger after the stream ended is over: the TCP side has had its time to close. */
    private void lingered() {
        close();
    }

    /**
     * How long the TCP side has been taking no bytes: since a write to it left bytes over, or 0
     * when it has taken everything.
     */
    long tcpStalledNanos(long now) {
        return tcpStalled ? now - tcpStalledSince : 0;
    }

    /** How long the stream has been taking no bytes for want of credit, or 0 when it is not waiting for credit. */
    long creditStalledNanos(long now) {
        return creditStalled ? now - creditStalledSince : 0;
    }

    /**
     * Why the splice must end because the peer granted no credit, or a peer without flow control
     * took no more bytes (the transport had no room for them), for the stream's write timeout; or
     * {@code null} if it need not (no timeout, or not waiting that long).
     */
    IOException creditOverdue(long now) {
        StreamSocket to = stream();
        if (to == null || !creditStalled) {
            return null;
        }
        long timeout = to.getWriteTimeout().toNanos();
        if (timeout == 0 || creditStalledNanos(now) <= timeout) {
            return null;
        }
        String why = to.hasFlowControl() ? " granted no credit, its reader is not keeping up"
                : " took no more bytes: it does not read what is sent to it";
        return new SocketTimeoutException("Write timed out after " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms: " + to.peer() + why);
    }

    /** Whether the stream side is over: closed by either side, or failed. */
    boolean streamOver() {
        StreamSocket connected = stream();
        return connected != null && connected.isClosed();
    }

    /**
     * Ends a splice whose TCP side stopped taking bytes, or whose peer stopped granting credit:
     * both sides are closed at once, and {@link #start}'s future reports {@code why}.
     */
    void stalled(IOException why) {
        fail(why);
    }

    /** A call on the TCP side. */
    private interface TcpCall<T> {
        T run() throws IOException;
    }

    /** Makes {@code call}, naming a failure the TCP side's: "Connection reset by peer" alone does not say which. */
    private static <T> T onTcpSide(TcpCall<T> call) throws IOException {
        try {
            return call.run();
        } catch (IOException e) {
            throw new IOException("the TCP side failed: " + Reasons.of(e), e);
        }
    }

    /** Records a failure unless this splice is ending the connections itself, and closes both. */
    private void fail(IOException e) {
        synchronized (this) {
            if (!ending && !closed && failure == null) {
                failure = e;
            }
        }
        close();
    }

    /**
     * Makes the coming close of the TCP side a reset (SO_LINGER 0), so that its program sees a
     * failure, not an end of stream it would take for the whole of what was sent.
     */
    private void resetTcp() {
        try {
            tcp.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            // The socket is broken or closed already: its close cannot end it cleanly either.
        }
    }

    /** Closes both sides at once (the TCP side with a reset if the splice failed); steps still waiting end. Idempotent. */
    @Override
    public void close() {
        StreamSocket connected;
        IOException failed;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            connected = stream;
            failed = failure;
        }
        ending = true;
        if (connected != null) {
            connected.close();
        }
        if (failed != null) {
            resetTcp();
        }
        try {
            tcp.close();
        } catch (IOException e) {
            // Closing a socket fails only if it is broken already; it is closed either way.
        }
        TunnelLoop on = loop;
        if (on != null) {
            on.wakeup();
        }
        if (failed == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failed);
        }
    }
}
