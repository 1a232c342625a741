package org.ministreaming.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.TransportThreads;

/**
 * One TCP connection between two endpoints, carrying ministreaming connections both ways. It
 * has a reader thread, which reads the peer's hello and then hands each message to the
 * transport's receiver, and a writer thread, which writes this side's hello and then drains the
 * {@link OutboundQueue}.
 *
 * <p>A link fails once: the first cause is logged, queued messages are dropped, waiting senders
 * get an {@code IOException}, and the socket is closed, which ends both threads. The reader
 * then reports the loss to the transport.
 *
 * <p>Thread-safe. {@link #start} is called once, under the transport's monitor.
 */
final class Link {

    private static final System.Logger LOG = System.getLogger(Link.class.getName());
    private static final int READ_BUFFER = 128 * 1024;
    private static final int WRITE_BUFFER = 128 * 1024;

    private final TcpTransport transport;
    private final Socket raw;
    private final boolean inbound;
    private final OutboundQueue queue;
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    /** Who the peer is: the dialled destination, or for an inbound link what {@link TcpTransport#register} decided. */
    private volatile Destination peer;
    /** {@link #raw}, or the TLS socket over it; set before the threads start. */
    private volatile Socket socket;
    private volatile Thread reader;
    private volatile Thread writer;
    /** Whether the transport forgot the peer and ended this link on purpose ({@link #retire}). */
    private volatile boolean retired;
    /** Whether a message arrived after {@link #retire}; then its end is news to the receiver. */
    private volatile boolean usedAfterRetired;
    /** Whether this side has sent a message over the link, which then carries something of ours. */
    private volatile boolean sent;
    /** Whether the acceptor counts this link among the admitted ones; see {@link #releaseAdmission}. */
    private final AtomicBoolean admitted = new AtomicBoolean();

    private Link(TcpTransport transport, Socket raw, boolean inbound, Destination peer, long queueBytes) {
        this.transport = transport;
        this.raw = raw;
        this.inbound = inbound;
        this.peer = peer;
        this.queue = new OutboundQueue(queueBytes, inbound);
    }

    /** A link this endpoint will dial to {@code peer}; senders that may block wait until {@link #start}. */
    static Link outbound(TcpTransport transport, Destination peer, long queueBytes) {
        return new Link(transport, new Socket(), false, peer, queueBytes);
    }

    /** A link a peer opened, known by its remote address until its hello names the peer. */
    static Link inbound(TcpTransport transport, Socket accepted, long queueBytes) {
        Destination anonymous = Addresses.anonymous(transport.scheme(), (InetSocketAddress) accepted.getRemoteSocketAddress());
        return new Link(transport, accepted, true, anonymous, queueBytes);
    }

    /** The peer's address: where an inbound link came from. */
    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) raw.getRemoteSocketAddress();
    }

    /** Whether this side has sent a message over the link, which then carries something of ours. */
    boolean hasSent() {
        return sent;
    }

    /** The acceptor counts this link among the admitted ones. */
    void markAdmitted() {
        admitted.set(true);
    }

    /** True only if the link was admitted and has not given back its place before: it is given back once. */
    boolean releaseAdmission() {
        return admitted.compareAndSet(true, false);
    }

    /** The peer as the receiver hears of it. */
    Destination peer() {
        return peer;
    }

    /**
     * Dials: connects within the timeout and, for TLS, completes the handshake, which checks
     * the pin. Called by the sending thread that opens the link.
     */
    void connect(InetSocketAddress address, int timeoutMillis, Tls tls) throws IOException {
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException("unknown host " + address.getHostString());
        }
        raw.connect(resolved, timeoutMillis);
        raw.setSoTimeout(timeoutMillis);
        if (tls == null) {
            socket = raw;
        } else {
            SSLSocket secure = tls.client(raw, address.getHostString(), address.getPort());
            secure.startHandshake();
            socket = secure;
        }
    }

    /**
     * Starts the reader and the writer. For an inbound link, sets the hello timeout and wraps the
     * socket in TLS first.
     */
    void start(int helloTimeoutMillis, Tls tls) throws IOException {
        raw.setTcpNoDelay(true);
        if (inbound) {
            raw.setSoTimeout(helloTimeoutMillis);
            socket = tls == null ? raw : tls.server(raw);
        }
        String name = raw.getLocalPort() + "-" + raw.getInetAddress().getHostAddress() + ":" + raw.getPort();
        reader = new Thread(this::read, "ministreaming-tcp-reader-" + name);
        writer = new Thread(this::write, "ministreaming-tcp-writer-" + name);
        reader.setDaemon(true);
        writer.setDaemon(true);
        queue.markReady();
        reader.start();
        writer.start();
    }

    /**
     * Queues one data message for the writer, waiting while the link is dialled and while the
     * data lane is full.
     *
     * @return {@code false} if the link was retired and took nothing: the sender dials anew
     * @throws IOException if the link failed or the transport is closing
     */
    boolean send(Outbound message) throws IOException {
        sent = true;
        return queue.put(message);
    }

    /**
     * Queues one reply ahead of the data, without waiting. A reply that finds the reply lane full
     * fails the link: the peer has stopped reading while it keeps provoking replies. The reader
     * then reports the loss, on its own thread.
     *
     * @return whether the reply was queued
     */
    boolean reply(Outbound message) {
        sent = true;
        OutboundQueue.Offer offer = queue.offerReply(message);
        if (offer == OutboundQueue.Offer.FULL) {
            fail(new BadPeerException(peer + " does not read its link: " + queue.queuedBytes()
                    + " bytes are queued for it, and replies to it fill their lane"));
        }
        return offer == OutboundQueue.Offer.QUEUED;
    }

    /** Graceful end, for the transport's close: the writer sends what is queued, then ends the stream. */
    void finish() {
        queue.finish();
    }

    /**
     * Ends the link gracefully if nothing waits to be sent on it: the transport forgot the peer.
     *
     * @return whether it was idle and is ending now
     */
    boolean retireIfIdle() {
        if (retired) {
            return false;
        }
        // Marked first, so that a message arriving meanwhile counts as arriving after.
        retired = true;
        if (queue.retireIfEmpty()) {
            return true;
        }
        retired = false;
        return false;
    }

    /** Whether the link's end must be reported: it was not retired, or it carried a message since. */
    boolean endIsNews() {
        return !retired || usedAfterRetired;
    }

    /**
     * Ends the link for {@code cause}, unless it already failed. Logs once, drops queued
     * messages, fails waiting senders and closes the socket.
     */
    void fail(IOException cause) {
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        Throwable defect = cause.getCause() instanceof RuntimeException || cause.getCause() instanceof Error ? cause.getCause() : null;
        Level level = transport.isClosed() ? Level.DEBUG
                : defect != null || cause instanceof BadPeerException || cause instanceof SSLException ? Level.WARNING : Level.INFO;
        if (defect != null) {
            LOG.log(level, "link " + this + " ended: " + cause.getMessage(), defect);
        } else {
            LOG.log(level, () -> "link " + this + " ended: " + cause.getMessage());
        }
        transport.unregister(this);
        queue.fail(cause instanceof ConnectException ? cause
                : new IOException("the link to " + peer + " failed: " + cause.getMessage(), cause));
        try {
            raw.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the socket of " + this + " failed: " + e.getMessage());
        }
    }

    /** Whether both threads were started and have ended, or the link failed without starting them. */
    boolean threadsEnded() {
        Thread r = reader;
        Thread w = writer;
        return r != null ? !r.isAlive() && (w == null || !w.isAlive()) : failure.get() != null;
    }

    /** Waits, until {@code deadlineNanos} at most, for the reader to end. */
    void awaitEnd(long deadlineNanos) {
        Thread thread = reader;
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for both threads to end, unless called from one of them. */
    void join() {
        TransportThreads.joinUninterruptibly(reader);
        TransportThreads.joinUninterruptibly(writer);
    }

    private void read() {
        IOException cause;
        ReadDeadlines deadlines = transport.deadlines(socket, () -> sent);
        try {
            FrameReader in = new FrameReader(socket.getInputStream(), READ_BUFFER, deadlines);
            byte[] hello = in.read();
            if (hello == null) {
                throw new BadPeerException("the stream ended before the hello");
            }
            String announced = checked(Frames.parseHello(hello));
            if (inbound) {
                peer = transport.register(this, announced);
            }
            deadlines.helloDone();
            LOG.log(Level.DEBUG, () -> "link " + this + " open; the peer's hello names " + announced);
            byte[] message;
            while ((message = in.read()) != null) {
                if (retired) {
                    usedAfterRetired = true;
                }
                deadlines.messageReceived();
                transport.deliver(peer, ByteBuffer.wrap(message).asReadOnlyBuffer());
            }
            cause = new EOFException(peer + " closed the link");
        } catch (IOException e) {
            cause = e;
        } catch (RuntimeException | Error e) {
            // Out of memory, or a defect: this link ends, the transport and its other links go on.
            cause = new IOException("its reader failed: " + e, e);
        }
        fail(cause);
        transport.ended(this, failure.get());
        TransportThreads.joinUninterruptibly(writer);
    }

    /** {@code announced} if it is {@code -} or a destination of this transport's scheme that can be dialled. */
    private String checked(String announced) throws BadPeerException {
        if (!announced.equals(Frames.NOT_LISTENING)) {
            try {
                Addresses.hostAndPort(announced, transport.scheme(), false);
            } catch (IllegalArgumentException e) {
                throw new BadPeerException("the hello names '" + announced + "', which is neither "
                        + Frames.NOT_LISTENING + " nor " + transport.scheme() + "://HOST:PORT");
            }
        }
        return announced;
    }

    private void write() {
        try {
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[Math.max(FrameReader.INITIAL_BUFFER, Frames.LENGTH_BYTES + transport.hello().length)];
            int filled = Frames.put(buffer, 0, ByteBuffer.wrap(transport.hello()));
            out.write(buffer, 0, filled);
            List<Outbound> batch;
            while ((batch = queue.takeAll()) != null) {
                filled = 0;
                for (Outbound message : batch) {
                    if (filled + Frames.LENGTH_BYTES + message.remaining() > buffer.length) {
                        out.write(buffer, 0, filled);
                        filled = 0;
                        if (buffer.length < WRITE_BUFFER) {
                            buffer = new byte[WRITE_BUFFER]; // traffic: the full buffer from now on
                        }
                    }
                    filled = Frames.put(buffer, filled, message.header(), message.payload());
                }
                out.write(buffer, 0, filled);
                queue.written();
            }
            if (!queue.failed()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            fail(e);
        } catch (InterruptedException e) {
            fail(new InterruptedIOException("the writer was interrupted"));
        } catch (RuntimeException | Error e) {
            fail(new IOException("its writer failed: " + e, e));
        }
    }

    @Override
    public String toString() {
        return peer + (raw.isConnected()
                ? " (" + raw.getLocalPort() + " <-> " + raw.getRemoteSocketAddress() + ")" : " (not connected)");
    }
}
