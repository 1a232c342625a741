package org.ministreaming.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.TransportThreads;

/**
 * A TLS link, served by two threads of its own over an {@link SSLSocket}: a reader, which reads
 * the peer's hello and then hands each message to the transport's receiver, and a writer, which
 * writes this side's hello and then drains the {@link OutboundQueue}. Failing the link closes the
 * socket, which ends both threads; the reader then reports the loss to the transport.
 *
 * <p>Thread-safe, as {@link Link}.
 */
final class ThreadedLink extends Link {

    private static final int READ_BUFFER = 128 * 1024;
    private static final int WRITE_BUFFER = 128 * 1024;

    /** The TLS socket over {@link #raw}; set before the threads start. */
    private volatile Socket socket;
    private volatile Thread reader;
    private volatile Thread writer;

    private ThreadedLink(TcpTransport transport, Socket raw, boolean inbound, Destination peer, long queueBytes) {
        super(transport, raw, inbound, peer, queueBytes);
    }

    /** A link this endpoint will dial to {@code peer}; senders that may block wait until {@link #start}. */
    static ThreadedLink outbound(TcpTransport transport, Destination peer, long queueBytes) {
        return new ThreadedLink(transport, new Socket(), false, peer, queueBytes);
    }

    /** A link a peer opened, known by its remote address until its hello names the peer. */
    static ThreadedLink inbound(TcpTransport transport, Socket accepted, long queueBytes) {
        Destination anonymous = Addresses.anonymous(transport.scheme(), (InetSocketAddress) accepted.getRemoteSocketAddress());
        return new ThreadedLink(transport, accepted, true, anonymous, queueBytes);
    }

    /** Connects, then completes the TLS handshake, which checks the pin. */
    @Override
    void connect(InetSocketAddress address, int timeoutMillis, Tls tls) throws IOException {
        super.connect(address, timeoutMillis, tls);
        raw.setSoTimeout(timeoutMillis);
        SSLSocket secure = tls.client(raw, address.getHostString(), address.getPort());
        secure.startHandshake();
        socket = secure;
    }

    /**
     * Starts the reader and the writer. For an inbound link, sets the hello timeout and wraps the
     * socket in TLS first.
     */
    @Override
    void start(int helloTimeoutMillis, Tls tls) throws IOException {
        raw.setTcpNoDelay(true);
        if (inbound) {
            raw.setSoTimeout(helloTimeoutMillis);
            socket = tls.server(raw);
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

    /** The writer thread wakes up by itself: nothing to do. */
    @Override
    void queued() {
    }

    /** Closing the socket ends both threads: nothing more to do. */
    @Override
    void stopped() {
    }

    @Override
    boolean threadsEnded() {
        Thread r = reader;
        Thread w = writer;
        return r != null ? !r.isAlive() && (w == null || !w.isAlive()) : failure() != null;
    }

    @Override
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

    @Override
    void join() {
        TransportThreads.joinUninterruptibly(reader);
        TransportThreads.joinUninterruptibly(writer);
    }

    private void read() {
        IOException cause;
        ReadDeadlines deadlines = transport.deadlines(socket, this::hasSent);
        try {
            FrameReader in = new FrameReader(socket.getInputStream(), READ_BUFFER, deadlines);
            byte[] hello = in.read();
            if (hello == null) {
                throw new BadPeerException("the stream ended before the hello");
            }
            helloReceived(hello);
            deadlines.helloDone();
            byte[] message;
            while ((message = in.read()) != null) {
                deadlines.messageReceived();
                messageReceived(message);
            }
            cause = new EOFException(peer() + " closed the link");
        } catch (IOException e) {
            cause = e;
        } catch (RuntimeException | Error e) {
            // Out of memory, or a defect: this link ends, the transport and its other links go on.
            cause = new IOException("its reader failed: " + e, e);
        }
        fail(cause);
        transport.ended(this, failure());
        TransportThreads.joinUninterruptibly(writer);
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
}
