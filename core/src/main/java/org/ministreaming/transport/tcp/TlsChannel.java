package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over the non-blocking channel of a link the {@link LinkLoop} serves: an {@link SSLEngine}
 * whose records are read and written through buffers borrowed from the loop's pool. The link
 * hands it plaintext to write and a buffer to read plaintext into; it goes on with the handshake,
 * and with TLS 1.3's messages after it (a session ticket, a key update), whenever the engine asks.
 * The engine's delegated tasks (key exchange, signature, the pin check: milliseconds of CPU per
 * handshake, docs/robustness.md) run on the loop's handshake thread, not on the loop; meanwhile
 * this link waits and the loop serves the others, and when they are done the link is woken.
 *
 * <p>An idle link holds no buffer here: bytes read are kept only while a record is incomplete or
 * its plaintext did not fit the link's buffer, and records wrapped only while the socket has no
 * room for them.
 *
 * <p>Not thread-safe: the loop's thread alone uses it, once the link is handed to the loop
 * (the engine's tasks run on the handshake thread, as {@link SSLEngine} allows).
 */
final class TlsChannel {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final DirectBuffers buffers;
    private final Executor tasks;
    /** Wakes the link on the loop once the engine's tasks are done. */
    private final Runnable wake;
    /** Room a record needs in {@link #netOut}. */
    private final int recordBytes;
    /** Bytes read and not yet unwrapped, ready to be read into; {@code null} when there are none. */
    private ByteBuffer netIn;
    /** Records wrapped and not yet written, ready to be wrapped into; {@code null} when there are none. */
    private ByteBuffer netOut;
    /** Whether whole records wait in {@link #netIn}: the plaintext did not fit, or the engine's answer waits for room. */
    private boolean unwrapPending;
    private boolean inputEnded;
    private boolean handshakeDone;
    /** Whether the handshake finished since {@link #handshakeFinished} was asked last. */
    private boolean justFinished;
    /** Whether the engine's tasks were handed to the handshake thread and the loop has not seen them done. */
    private boolean tasksRunning;
    /** Set by the handshake thread once the tasks ran. */
    private volatile boolean tasksDone;

    /**
     * @param channel the link's connected channel, non-blocking by the time the loop serves it
     * @param engine a TLS 1.3 engine whose handshake has begun
     * @param buffers the loop's pool; its buffers must hold several records
     * @param tasks where the engine's delegated tasks run
     * @param wake asks the loop, from any thread, to serve the link again
     */
    TlsChannel(SocketChannel channel, SSLEngine engine, DirectBuffers buffers, Executor tasks, Runnable wake) {
        this.channel = channel;
        this.engine = engine;
        this.buffers = buffers;
        this.tasks = tasks;
        this.wake = wake;
        this.recordBytes = engine.getSession().getPacketBufferSize();
    }

    /**
     * Reads the socket once (unless whole records are left from before) and unwraps what fits
     * into {@code plain}, going on with the handshake as the engine asks.
     *
     * @return plaintext bytes put into {@code plain}, or -1 once the peer has ended its side
     *     (close_notify or the end of the stream) and nothing is left
     * @throws SSLException if the peer's bytes are not TLS or the handshake fails; the engine's
     *     alert is sent first if the socket takes it
     */
    int read(ByteBuffer plain) throws IOException {
        try {
            if (netIn == null) {
                netIn = buffers.take();
            }
            if (!unwrapPending && !inputEnded && channel.read(netIn) < 0) {
                inputEnded = true;
            }
            int produced = 0;
            boolean busy = tasksRunning && !tasksDone;
            if (busy) {
                unwrapPending = netIn.position() > 0; // the engine is busy: these wait for its tasks
            } else {
                produced = unwrap(plain);
            }
            if (netIn.position() == 0) {
                buffers.give(netIn);
                netIn = null;
            }
            // While tasks handed off (before or by this unwrap) are not seen done, the engine may already
            // be closed by one that failed: that failure, thrown by the next unwrap or wrap, is the news,
            // not the end of the input.
            return !tasksRunning && produced == 0 && (inputEnded && !unwrapPending || engine.isInboundDone()) ? -1 : produced;
        } catch (SSLException e) {
            alert();
            throw e;
        }
    }

    /**
     * Whether whole records or the end of the input wait to be unwrapped, and nothing stops it
     * now: the link reads again without the socket.
     */
    boolean readAgain() {
        return (unwrapPending || inputEnded) && netOut == null && !tasksRunning;
    }

    /**
     * Whether whole records or the end of the input wait for the engine's tasks or for room for
     * its answer: the link stops reading until then.
     */
    boolean stalled() {
        return (unwrapPending || inputEnded) && (netOut != null || tasksRunning);
    }

    /** Whether bytes of an incomplete record are held: a frame has begun, as far as deadlines go. */
    boolean holdsPartialRecord() {
        return netIn != null && !unwrapPending;
    }

    /** True once, after the handshake finished: the link writes its hello then. */
    boolean handshakeFinished() {
        boolean finished = justFinished;
        justFinished = false;
        return finished;
    }

    /** Whether records wait for room in the socket: the loop watches for it. */
    boolean blocked() {
        return netOut != null;
    }

    /**
     * Writes the records wrapped before and goes on with the handshake if it waits on this side.
     *
     * @return {@code false} if the socket has no room for them
     */
    boolean writePending() throws IOException {
        try {
            return flush() && handshake();
        } catch (SSLException e) {
            alert();
            throw e;
        }
    }

    /**
     * Wraps {@code plain} into records and writes them, once the handshake is done. Leaves in
     * {@code plain} what it could not take: while the handshake waits for the peer, or while the
     * socket has no room ({@link #blocked}).
     */
    void write(ByteBuffer plain) throws IOException {
        try {
            if (!flush() || !handshake() || !handshakeDone) {
                return;
            }
            while (plain.hasRemaining()) {
                if (!wrap(plain)) {
                    return;
                }
            }
            flush();
        } catch (SSLException e) {
            alert();
            throw e;
        }
    }

    /**
     * Ends this side: wraps close_notify and writes it; the link then shuts the socket's output.
     *
     * @return whether it is written (else the socket has no room yet, and the link asks again)
     */
    boolean closeOutput() throws IOException {
        if (!engine.isOutboundDone()) {
            engine.closeOutbound();
        }
        while (!engine.isOutboundDone()) {
            if (!wrap(NOTHING)) {
                return false;
            }
        }
        return flush();
    }

    /** Gives back the buffers; the link is over. */
    void release() {
        if (netIn != null) {
            buffers.give(netIn);
            netIn = null;
        }
        if (netOut != null) {
            buffers.give(netOut);
            netOut = null;
        }
    }

    private int unwrap(ByteBuffer plain) throws IOException {
        netIn.flip();
        int produced = 0;
        unwrapPending = false;
        try {
            while (true) {
                SSLEngineResult result = engine.unwrap(netIn, plain);
                produced += result.bytesProduced();
                switch (result.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        unwrapPending = true; // the link makes room and reads again
                        return produced;
                    }
                    case BUFFER_UNDERFLOW, CLOSED -> {
                        return produced;
                    }
                    default -> { }
                }
                if (!handshake() || tasksRunning) {
                    unwrapPending = netIn.hasRemaining(); // on after the engine's tasks, or its answer written
                    return produced;
                }
                if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                        && engine.getHandshakeStatus() == result.getHandshakeStatus()) {
                    // Nothing more to do with what is here. (An engine that took nothing because it
                    // had to write first, and has written now, takes the records that wait.)
                    return produced;
                }
            }
        } finally {
            netIn.compact();
        }
    }

    /**
     * Goes on with the handshake as long as it needs nothing from the peer: runs the engine's
     * tasks, wraps and writes its messages.
     *
     * @return {@code false} if its messages wait for room in the socket
     */
    private boolean handshake() throws IOException {
        while (true) {
            if (tasksRunning && tasksDone) {
                tasksRunning = false;
                tasksDone = false;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            if (tasksRunning) {
                return true; // as if waiting for the peer: the link is woken when they are done
            } else if (status == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (status == HandshakeStatus.NEED_WRAP) {
                if (!wrap(NOTHING) || !flush()) {
                    return false;
                }
            } else {
                if (status == HandshakeStatus.NOT_HANDSHAKING && !handshakeDone) {
                    handshakeDone = true;
                    justFinished = true;
                }
                return true;
            }
        }
    }

    /** Hands the engine's delegated tasks to the handshake thread, which wakes the link when they are done. */
    private void runTasks() throws IOException {
        tasksRunning = true;
        try {
            tasks.execute(() -> {
                try {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run(); // a task's failure is the engine's, thrown by its next wrap or unwrap
                    }
                } finally {
                    tasksDone = true;
                    wake.run();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IOException("the transport is closing: no handshake now", e);
        }
    }

    /**
     * Wraps one record of {@code plain} (or a message of the engine's own) into {@link #netOut},
     * writing what is there first if a record might not fit.
     *
     * @return {@code false} if the socket has no room, so nothing was wrapped
     */
    private boolean wrap(ByteBuffer plain) throws IOException {
        if (netOut != null && netOut.remaining() < recordBytes && !flush()) {
            return false;
        }
        if (netOut == null) {
            netOut = buffers.take();
        }
        SSLEngineResult result = engine.wrap(plain, netOut);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED && result.bytesProduced() == 0 && plain.hasRemaining()) {
            throw new SSLException("the TLS session is closed: no more can be sent");
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("a TLS record needs more than " + netOut.remaining() + " bytes of room");
        }
        return true;
    }

    /**
     * Writes the records wrapped so far.
     *
     * @return whether all went out (else the socket is full and the rest waits)
     */
    private boolean flush() throws IOException {
        if (netOut == null) {
            return true;
        }
        netOut.flip();
        channel.write(netOut);
        if (netOut.hasRemaining()) {
            netOut.compact();
            return false;
        }
        buffers.give(netOut);
        netOut = null;
        return true;
    }

    /** After a failure: sends the engine's alert if the socket takes it at once; the link is closed next anyway. */
    private void alert() {
        try {
            engine.closeOutbound();
            if (netOut == null || netOut.remaining() >= recordBytes) {
                wrap(NOTHING);
            }
            flush();
        } catch (IOException | RuntimeException e) {
            // the link fails for the first cause anyway
        }
    }
}
