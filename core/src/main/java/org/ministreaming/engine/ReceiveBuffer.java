package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.ministreaming.pipe.Deadline;
import org.ministreaming.pipe.Items;
import org.ministreaming.pipe.Pipe;
import org.ministreaming.pipe.Placement;

/**
 * A connection's inbound bytes: a bounded queue of payload views between the receive path,
 * which never waits, and the reader, which may.
 *
 * <p>Two bounds hold for what is buffered. The buffer's own {@linkplain #bound bound} is either a
 * flow-control window, counted in data bytes as the credit rules count them, or the allowance of
 * a connection without flow control, counted in charged bytes: each message its payload plus
 * {@link EngineSettings#BUFFERED_MESSAGE_OVERHEAD}. And every message, either way, is charged to the
 * manager's {@link ReceiveBudget} through an account, reserved before it is kept and released as
 * the reader consumes it, when it is {@linkplain #discard discarded} or when the socket closes.
 *
 * <p>Ending it four ways: {@link #finish()} (the peer closed: the reader drains what is
 * buffered, then sees EOF), {@link #fail(IOException)} (the reader drains, then gets the
 * exception), {@link #discard(IOException)} (the bytes are dropped at once and the reader gets
 * the exception) and {@link #closeLocally()} (the reader's own socket closed: a blocked or later
 * read fails at once).
 *
 * <p>A reader that must not wait uses {@link #readNow} and {@link #onReadable}: the callback runs
 * after each of the four ends and after {@link #signalReadable}, which the receive path calls
 * once an offer was kept; all of them are called with no lock held.
 *
 * <p>A payload may be lent rather than handed over (a view of a transport's read buffer): the
 * buffer then gives it back once the reader has read all of it or it is dropped unread
 * ({@link #offer(ByteBuffer, Runnable)}).
 *
 * <p>Thread-safe: a {@link Pipe} of payload views holds the bytes and its lock guards them; a
 * message is charged to the account under it, before it is kept. Readers wait in the pipe and are
 * woken exactly when something changes, and copy the bytes out with its lock let go, one reader at
 * a time (this buffer's monitor), so that an offer never waits for a reader's copy. Each view
 * weighs its unread bytes plus the overhead, so what the pipe holds is what the account holds.
 */
final class ReceiveBuffer {

    /** What {@link #offer} did with a payload. */
    enum Offer {
        /** Kept; or dropped silently because the buffer has ended. */
        TAKEN,
        /** Not kept: it does not fit within the buffer's own bound. */
        BEYOND_BOUND,
        /** Not kept: the manager's budget has no room for it. */
        BEYOND_BUDGET
    }

    private static final int OVERHEAD = EngineSettings.BUFFERED_MESSAGE_OVERHEAD;
    private static final Deadline NO_DEADLINE = Deadline.none(() -> "Read interrupted");
    /** What a read that must not wait meets when nothing is buffered: made once, never thrown out of here. */
    private static final SocketTimeoutException NOTHING_YET = new SocketTimeoutException("nothing buffered") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };
    /** A deadline that has passed already: a read with it takes what is there, or meets {@link #NOTHING_YET}. */
    private static final Deadline NOW = Deadline.in(0, () -> NOTHING_YET, () -> "Read interrupted");
    /** The cause kept when the reader's own socket closes, one for all ({@link Failures.ClosedLocally}). */
    private static final SocketException CLOSED_LOCALLY = new Failures.ClosedLocally();

    private final Pipe<Kept> pipe = new Pipe<>(Long.MAX_VALUE, kept -> kept.bytes.remaining() + OVERHEAD, Failures::again, Kept::giveBack);
    private final ReceiveBudget<?>.Account account;
    /**
     * How much the buffer holds ahead of its reader, shifted left by one, with the low bit set when
     * that counts the overhead: one volatile word, so that an offer sees both halves of one
     * {@link #bound} call, and an idle connection pays no object for it.
     */
    private volatile long bound;
    /** Written under the pipe's lock. */
    private volatile int highWater;
    /** Set once the buffer has ended, any of the four ways, before its readiness fires. */
    private volatile boolean ended;
    private final Readiness readable = new Readiness();

    /**
     * @param account where every kept message is charged
     * @param bytes the first bound, as {@link #bound} takes it
     * @param overhead whether the bound counts the per-message overhead
     */
    ReceiveBuffer(ReceiveBudget<?>.Account account, long bytes, boolean overhead) {
        this.account = account;
        bound(bytes, overhead);
    }

    /**
     * Sets how much the buffer holds ahead of its reader: a flow-control window in data bytes
     * ({@code overhead} false), or an allowance in charged bytes ({@code overhead} true).
     */
    void bound(long bytes, boolean overhead) {
        this.bound = bytes << 1 | (overhead ? 1 : 0);
    }

    /**
     * Adds a payload without waiting. Once it is {@link Offer#TAKEN taken}, {@code giveBack} is the
     * buffer's to run: when the reader has read it all, when it is dropped unread, or at once if the
     * buffer has ended; otherwise it stays the caller's.
     *
     * @param payload a view the buffer may keep; nobody changes it before {@code giveBack} runs
     * @param giveBack what lets go of the memory {@code payload} is lent in, or {@code null} when
     *     the payload is the buffer's to keep
     * @param wakeReader whether to wake a reader waiting for it now, or leave that to
     *     {@link #wakeReader} (the readiness callback too: see {@link #signalReadable})
     * @return whether it was taken, or which bound it does not fit in (nothing is added then)
     */
    Offer offer(ByteBuffer payload, Runnable giveBack, boolean wakeReader) {
        int length = payload.remaining();
        if (length == 0) {
            runIfAny(giveBack);
            return Offer.TAKEN;
        }
        try {
            Offer refused = pipe.offer(new Kept(payload, giveBack), Placement.tail(), wakeReader, (charge, charged, count) -> {
                long now = bound;
                long limit = now >> 1;
                long buffered = charged - (long) count * OVERHEAD;
                if ((now & 1) != 0 ? charge > limit - charged : length > limit - buffered) {
                    return Offer.BEYOND_BOUND;
                }
                if (!account.tryReserve(charge)) {
                    return Offer.BEYOND_BUDGET;
                }
                highWater = (int) Math.max(highWater, buffered + length);
                return null;
            });
            return refused == null ? Offer.TAKEN : refused;
        } catch (IOException ended) {
            runIfAny(giveBack);
            return Offer.TAKEN;
        }
    }

    /**
     * Reads at least one byte, waiting up to {@code timeoutMillis} (0: no limit).
     *
     * @return the number of bytes read, or -1 at end of stream
     * @throws SocketTimeoutException if nothing arrived in time
     * @throws InterruptedIOException if interrupted, with the interrupt flag kept
     * @throws IOException the failure given to {@link #fail}, or if closed locally
     */
    int read(byte[] target, int offset, int length, long timeoutMillis) throws IOException {
        if (length == 0) {
            return 0;
        }
        Deadline deadline = timeoutMillis == 0 ? NO_DEADLINE
                : Deadline.in(timeoutMillis, () -> new SocketTimeoutException("Read timed out after " + timeoutMillis + " ms"), () -> "Read interrupted");
        return read(target, offset, length, deadline);
    }

    /**
     * Reads what is buffered now, without waiting.
     *
     * @return the number of bytes read, 0 if none is buffered yet, or -1 at end of stream
     * @throws IOException the failure given to {@link #fail}, or if closed locally
     */
    int readNow(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        try {
            return read(target, offset, length, NOW);
        } catch (SocketTimeoutException e) {
            if (e == NOTHING_YET) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Runs {@code callback} once on {@code executor} when a read would not wait: bytes arrived,
     * or the buffer ended; at once if that is so already.
     *
     * @throws IllegalStateException if a callback is registered already and has not run
     */
    void onReadable(Executor executor, Runnable callback) {
        readable.register(executor, callback, () -> ended || pipe.size() > 0);
    }

    /** Bytes were {@linkplain #offer offered}: runs a waiting readiness callback. Call with no lock held. */
    void signalReadable() {
        readable.fire();
    }

    /** Bytes were offered without waking the reader: wakes it, and runs a waiting readiness callback. No lock held. */
    void wakeReader() {
        pipe.wake();
        readable.fire();
    }

    /**
     * Waits in the pipe until something is buffered, then copies out of the payloads with the
     * pipe's lock let go, so that the receive path never waits for a reader's copy: one reader at
     * a time copies (this buffer's monitor, held only while copying, never while waiting), and a
     * payload's position moves, under the pipe's lock, only once its bytes are copied.
     */
    private int read(byte[] target, int offset, int length, Deadline deadline) throws IOException {
        while (pipe.read(deadline, Items::peek) != null) {
            int copied = copyOut(target, offset, length);
            if (copied > 0) {
                return copied;
            }
            // Another reader took what there was, or the buffer ended while this one copied: look again.
        }
        return -1;
    }

    /** Copies what is buffered now, up to {@code length} bytes; 0 if nothing is (or it ended meanwhile). */
    private synchronized int copyOut(byte[] target, int offset, int length) {
        int copied = 0;
        Kept next;
        while (copied < length && (next = pipe.poll(Items::peek)) != null) {
            Kept head = next;
            ByteBuffer bytes = head.bytes;
            int n = Math.min(length - copied, bytes.remaining());
            bytes.get(bytes.position(), target, offset + copied, n);
            if (pipe.poll(chunks -> consumed(chunks, head, n)) == null) {
                return 0; // dropped while copied: the end is what the reader gets, not these bytes
            }
            copied += n;
        }
        return copied;
    }

    /** Under the pipe's lock: {@code n} bytes of {@code head} were copied out, if it is still the head. */
    private Boolean consumed(Items<Kept> chunks, Kept head, int n) {
        if (chunks.peek() != head) {
            return null;
        }
        head.bytes.position(head.bytes.position() + n);
        chunks.consumed(n);
        long released = n;
        if (!head.bytes.hasRemaining()) {
            chunks.remove();
            head.giveBack();
            released += OVERHEAD;
        }
        account.release(released);
        return Boolean.TRUE;
    }

    /** Bytes that can be read without waiting. */
    int available() {
        return (int) pipe.held(OVERHEAD);
    }

    /** The most bytes buffered at once so far. */
    int highWater() {
        return highWater;
    }

    /** The peer closed: reads drain what is here, then return EOF. */
    void finish() {
        pipe.finish();
        end();
    }

    /** Reads drain what is here, then throw {@code cause}. */
    void fail(IOException cause) {
        pipe.fail(cause);
        end();
    }

    /**
     * Drops what is buffered, releasing its charge, and makes reads fail with {@code cause} from
     * now on, even after {@link #finish()} or {@link #fail}: the reader must not mistake the loss
     * for the end of the stream.
     */
    void discard(IOException cause) {
        account.release(pipe.cancel(cause));
        end();
    }

    /** The local socket closed: reads fail now, and the buffered bytes are released. */
    void closeLocally() {
        account.release(pipe.closeReader(CLOSED_LOCALLY));
        end();
    }

    private void end() {
        ended = true;
        readable.fire();
    }

    private static void runIfAny(Runnable giveBack) {
        if (giveBack != null) {
            giveBack.run();
        }
    }

    /** A payload held for the reader, and what gives back the memory it is lent in ({@code null}: none). */
    private static final class Kept {
        final ByteBuffer bytes;
        private final Runnable giveBack;

        Kept(ByteBuffer bytes, Runnable giveBack) {
            this.bytes = bytes;
            this.giveBack = giveBack;
        }

        /** Read or dropped: the memory goes back to whoever lent it. Under the pipe's lock. */
        void giveBack() {
            runIfAny(giveBack);
        }
    }
}
