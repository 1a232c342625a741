package org.ministreaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.ministreaming.engine.Connection;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.transport.Destination;

/**
 * One end of a ministreaming connection: a reliable, ordered byte stream each way.
 *
 * <p>Writes are sent at once, cut into messages of at most 32 KiB; wrap the output stream in a
 * {@link java.io.BufferedOutputStream} to gather small writes. A close ends the connection both
 * ways (the protocol has no half-close): after the peer's close, bytes already received stay
 * readable, then reads see end of stream, and writes fail; after this side's own {@link #close},
 * as with {@link java.net.Socket}, unread bytes are dropped and reads and writes throw
 * {@code SocketException("Socket closed")}.
 *
 * <p>Failures have a type that says what happened. After the connection ended, reads return
 * the bytes that arrived first, then end of stream (the peer closed) or the failure; writes throw
 * the failure:
 * <ul>
 *   <li>{@link ConnectionResetException} (a {@link java.net.SocketException}): the peer closed
 *       the connection; writes throw it.</li>
 *   <li>{@link PeerLostException}: the peer is gone for every connection with it: the transport
 *       lost it (its exception is the cause) or it was silent beyond the idle timeout.</li>
 *   <li>{@link ReceiveLimitException}: the peer broke a limit on what this side receives (plain
 *       allowance, receive budget, credit rules, message size); the message names it.</li>
 *   <li>{@link java.net.SocketTimeoutException}: the read or write timeout passed; the connection
 *       stays usable.</li>
 *   <li>{@link java.net.SocketException} {@code "Socket closed"}: this side closed the socket;
 *       {@code "the manager was closed"}: its manager was.</li>
 * </ul>
 * Each call throws a fresh exception of the failure's type and message whose cause is the
 * failure as it happened, so the transport's exception behind a lost peer stays reachable.
 *
 * <p>Thread-safe. One thread may read while another writes; closing from any thread wakes a
 * blocked reader at once.
 */
public final class StreamSocket implements AutoCloseable {

    private final Connection connection;
    private final InputStream input = new SocketInput();
    private final OutputStream output = new SocketOutput();

    StreamSocket(Connection connection, StreamOptions options) {
        this.connection = connection;
        setReadTimeout(options.readTimeout());
        setWriteTimeout(options.writeTimeout());
    }

    /** The peer's destination. */
    public Destination peer() {
        return connection.peer();
    }

    /** Whether this side opened the connection ({@link Role#CLIENT}) or accepted it. */
    public Role role() {
        return connection.role();
    }

    /**
     * The stream of bytes from the peer. Reads block until data arrives, the peer closes (end of
     * stream), or the read timeout passes ({@link java.net.SocketTimeoutException}). An interrupt
     * gives {@link java.io.InterruptedIOException} and keeps the thread's flag. Closing the
     * stream closes the socket.
     */
    public InputStream getInputStream() {
        return input;
    }

    /**
     * The stream of bytes to the peer. {@code flush()} has nothing to do, since writes are never
     * held back. Closing the stream closes the socket.
     */
    public OutputStream getOutputStream() {
        return output;
    }

    /**
     * Sets how long reads wait; {@link Duration#ZERO} waits forever.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setReadTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must not be negative: " + timeout);
        }
        connection.setReadTimeoutMillis(timeout.isZero() ? 0 : Math.max(1, Deadline.millis(timeout)));
    }

    /** How long reads wait; {@link Duration#ZERO} means forever. */
    public Duration getReadTimeout() {
        return Duration.ofMillis(connection.readTimeoutMillis());
    }

    /**
     * Sets how long a write waits for credit when the peer's reader is behind;
     * {@link Duration#ZERO} waits forever. On expiry the write throws
     * {@link java.net.SocketTimeoutException}; the bytes before were sent, the rest were not.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setWriteTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("write timeout must not be negative: " + timeout);
        }
        connection.setWriteTimeoutMillis(timeout.isZero() ? 0 : Math.max(1, Deadline.millis(timeout)));
    }

    /** How long writes wait for credit; {@link Duration#ZERO} means forever. */
    public Duration getWriteTimeout() {
        return Duration.ofMillis(connection.writeTimeoutMillis());
    }

    /**
     * Whether both sides agreed to flow control. Then writes wait for the peer's reader instead
     * of overrunning it; otherwise (a plain peer) they never wait, and a reader too far behind
     * loses the connection.
     */
    public boolean hasFlowControl() {
        return connection.hasCredit();
    }

    /**
     * Reads what has arrived, without waiting: for a caller that serves many connections from few
     * threads, with {@link #onReadable}. Ignores the read timeout. The credit it gives back for
     * what it read does not wait for the transport either: a grant the transport cannot take at
     * once follows the data written before it. Safe from any thread; reads from
     * several threads at once get the bytes in turn, each in one piece, in no set order.
     *
     * @return the number of bytes read, 0 when none has arrived yet (or {@code length} is 0), or
     *     -1 once the peer closed and everything was read
     * @throws IOException the connection's failure, of the types the class javadoc lists, or
     *     {@code "Socket closed"} after a close from this side
     * @throws IndexOutOfBoundsException if the range is not within {@code target}
     */
    public int readNow(byte[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        return connection.readNow(target, offset, length);
    }

    /**
     * Runs {@code callback} once on {@code executor} when {@link #readNow} would not return 0:
     * bytes arrived, the peer closed, the connection failed or was closed; at once (on
     * {@code executor}) if that is so already. One-shot: register again to hear of the next.
     * The callback may find nothing to read (another reader took it first); it then looks again
     * and registers again. No change is lost between a {@code readNow} that returned 0 and the
     * registration that follows it.
     *
     * <p>Thread-safe. The callback never runs under a lock of the library: it runs on
     * {@code executor}, which the library calls from the thread that saw the change (the transport's
     * receive thread, a closing thread) with no lock held, so give an executor that hands it to
     * another thread unless the callback is short and never blocks. If the executor rejects it,
     * the callback is dropped; if it throws there (an executor that runs it on the calling thread),
     * that is logged and goes no further.
     *
     * @throws IllegalStateException if a callback registered before has not run yet
     */
    public void onReadable(Executor executor, Runnable callback) {
        connection.onReadable(executor, callback);
    }

    /**
     * Sends as many bytes as the peer's credit allows now, without waiting for more: for a caller
     * that serves many connections from few threads, with {@link #onWritable}. Ignores the write
     * timeout, so a caller that waits for credit bounds the wait itself. It sends only what the
     * transport has room for (a TCP link's send queue, the reliable layer's window to the peer,
     * the peer's inbox in memory), so a peer that stops reading holds up no caller. A blocking
     * write in progress on another thread holds it up too. Without flow control (a plain peer) it
     * sends everything the transport takes.
     *
     * @return the number of bytes sent from the start of the range, 0 when the peer has granted
     *     no credit yet or the transport has no room (or {@code length} is 0)
     * @throws IOException the connection's failure, of the types the class javadoc lists, or
     *     {@code "Socket closed"} after a close from this side
     * @throws IndexOutOfBoundsException if the range is not within {@code source}
     */
    public int writeNow(byte[] source, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, source.length);
        return connection.writeNow(source, offset, length);
    }

    /**
     * Runs {@code callback} once on {@code executor} when {@link #writeNow} would not return 0:
     * the peer granted credit, the transport has room again after a {@code writeNow} it had none
     * for, or the connection ended (the write then throws); at once (on
     * {@code executor}) if that is so already. One-shot, with the same guarantees and the same
     * rules for the executor as {@link #onReadable}. While it waits for credit, the peer is
     * probed as for a blocking write that waits for credit, so a peer lost without news from the
     * transport is noticed; the write timeout does not apply, so bound the wait yourself.
     *
     * <p>Thread-safe.
     *
     * @throws IllegalStateException if a callback registered before has not run yet
     */
    public void onWritable(Executor executor, Runnable callback) {
        connection.onWritable(executor, callback);
    }

    /** The connection underneath, for tests in this package. */
    Connection connection() {
        return connection;
    }

    /** Whether the connection is over, closed by either side or failed. */
    public boolean isClosed() {
        return connection.isClosed();
    }

    /**
     * Closes the connection: bytes written before are sent first, then the close. Blocked
     * reads fail at once. Never waits for room in the transport where the transport can say when
     * it has some (TCP, the reliable layer): the close then goes out once there is. Idempotent.
     */
    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "StreamSocket[" + connection.role() + " " + connection.peer() + " id " + connection.localId() + "]";
    }

    private final class SocketInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = connection.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, target.length);
            return connection.read(target, offset, length);
        }

        @Override
        public int available() {
            return connection.available();
        }

        @Override
        public void close() {
            StreamSocket.this.close();
        }
    }

    private final class SocketOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            connection.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, source.length);
            if (length > 0) {
                connection.write(source, offset, length);
            }
        }

        /** Nothing to do: every write is handed to the transport before it returns. */
        @Override
        public void flush() {
        }

        @Override
        public void close() {
            StreamSocket.this.close();
        }
    }
}
