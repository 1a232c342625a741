package org.ministreaming.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ministreaming.StreamSocket;

/**
 * One tunnelled connection: a ministreaming connection joined to a TCP connection, with the
 * bytes copied both ways, one thread per direction.
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
 *       for the write timeout, or the TCP side takes no bytes for the stall timeout that
 *       {@link Sessions} watches ({@link #tcpStalledNanos}), or for {@link #ORPHAN_STALL} once
 *       the stream is over: both are closed at once, so a stalled service cannot hold a
 *       connection, its threads and its buffers after the peer is gone.</li>
 * </ul>
 * When both directions have ended, both connections are closed.
 *
 * <p>Thread-safe: {@link #close} may come from any thread, and ends both directions at once.
 */
final class Splice implements AutoCloseable {

    /**
     * How long the TCP side may go on sending after the stream ended: long enough for a service to
     * finish, short enough that connections a peer opened and left do not hold their threads and
     * sockets for long (a service that never closes holds them this long).
     */
    static final Duration LINGER = Duration.ofSeconds(5);

    /**
     * How long the TCP side may take no bytes once the stream is over (the peer closed it or is
     * gone): then only its last bytes are left to deliver, and a service that takes none of them
     * must not hold the connection for the whole stall timeout.
     */
    static final Duration ORPHAN_STALL = Duration.ofSeconds(5);

    /** Bytes per direction; 2 x 16 KiB per connection (docs/robustness.md has the arithmetic). */
    private static final int BUFFER = 16 * 1024;

    private final Socket tcp;
    private final String label;
    /** Guarded by {@code this}; may be set later by {@link #attach}. */
    private StreamSocket stream;
    /** Guarded by {@code this}. */
    private boolean closed;
    /** Set once this side closes the stream or aborts: failures after that are consequences, not news. */
    private volatile boolean ending;
    private volatile IOException failure;
    /** Whether the stream-to-TCP direction is inside a TCP write, and since when ({@link System#nanoTime}). */
    private volatile boolean writingToTcp;
    private volatile long writingSince;

    /**
     * A splice of {@code tcp}, connected or to be connected, and {@code stream}, or {@code null}
     * if it will be {@linkplain #attach attached} later.
     *
     * @param label names the connection in error messages, such as {@code connection from 127.0.0.1:50000}
     */
    Splice(Socket tcp, StreamSocket stream, String label) {
        this.tcp = tcp;
        this.stream = stream;
        this.label = label;
    }

    /** The TCP side, for connecting it before {@link #run}. */
    Socket tcp() {
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
     * Copies both ways until both directions have ended, then closes both sides. The TCP-to-stream
     * direction runs on a thread of {@code executor}, the other on the calling thread.
     *
     * @throws IOException the first failure of either side, unless it came from this splice
     *     closing them
     */
    void run(Executor executor) throws IOException {
        StreamSocket connected;
        synchronized (this) {
            connected = stream;
        }
        FutureTask<Void> upstream = new FutureTask<>(() -> tcpToStream(connected), null);
        try {
            executor.execute(upstream);
        } catch (RejectedExecutionException e) {
            close();
            throw new SocketException("stopping");
        }
        try {
            streamToTcp(connected);
            awaitUpstream(upstream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new SocketException("interrupted"));
        } catch (ExecutionException e) {
            fail(new IOException(e.getCause()));
        } finally {
            close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits for the TCP side to end, at most {@link #LINGER} once the stream has ended. */
    private void awaitUpstream(FutureTask<Void> upstream) throws InterruptedException, ExecutionException {
        try {
            upstream.get(LINGER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            upstream.get();
        }
    }

    private void streamToTcp(StreamSocket connected) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = connected.getInputStream();
            OutputStream out = tcp.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                writingSince = System.nanoTime();
                writingToTcp = true;
                out.write(buffer, 0, n);
                writingToTcp = false;
            }
            tcp.shutdownOutput();
        } catch (IOException e) {
            fail(e);
        }
    }

    private void tcpToStream(StreamSocket connected) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = tcp.getInputStream();
            OutputStream out = connected.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                try {
                    out.write(buffer, 0, n);
                } catch (SocketTimeoutException stalled) {
                    // The peer granted no credit within the write timeout: it stalls, so both sides go.
                    fail(stalled);
                    return;
                } catch (IOException streamEnded) {
                    // The peer closed (or the stream failed, which the other direction reports).
                    drain(in, buffer);
                    return;
                }
            }
            ending = true;
            connected.close();
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Reads and drops what the TCP side still sends, until it closes ({@link #run} bounds the wait). */
    private static void drain(InputStream in, byte[] buffer) throws IOException {
        while (in.read(buffer) >= 0) {
            // dropped: nobody can receive it any more
        }
    }

    /**
     * How long the TCP side has been taking no bytes: the time the current write to it has been
     * blocked, or 0 when no write is in progress.
     */
    long tcpStalledNanos(long now) {
        return writingToTcp ? now - writingSince : 0;
    }

    /** Whether the stream side is over: closed by either side, or failed. */
    boolean streamOver() {
        StreamSocket connected;
        synchronized (this) {
            connected = stream;
        }
        return connected != null && connected.isClosed();
    }

    /**
     * Ends a splice whose TCP side stopped taking bytes: both sides are closed at once, and
     * {@link #run} reports {@code why}.
     */
    void stalled(IOException why) {
        fail(why);
    }

    /** Records a failure unless this splice is ending the connections itself, and closes both. */
    private void fail(IOException e) {
        if (ending) {
            return;
        }
        if (failure == null) {
            failure = e;
        }
        close();
    }

    /** Closes both sides at once; blocked copies end. Idempotent. */
    @Override
    public void close() {
        StreamSocket connected;
        synchronized (this) {
            closed = true;
            connected = stream;
        }
        ending = true;
        if (connected != null) {
            connected.close();
        }
        try {
            tcp.close();
        } catch (IOException e) {
            // Closing a socket fails only if it is broken already; it is closed either way.
        }
    }
}
