package org.ministreaming.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.ministreaming.Counter;
import org.ministreaming.MessageListener;
import org.ministreaming.pipe.FreeList;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.Packet;

/**
 * How the engine hands each message to its transport: data and opening messages by a send that
 * may wait for backpressure (a full data message offered first to a send that never waits,
 * from the writer's own bytes: {@link Transport#sendNow}), control messages by the reply path that never waits
 * ({@link Transport#reply}), a control message from an application thread by the reply path
 * first, and the close of a connection ended on purpose behind the data. Each tells the message
 * listener first and counts what became of the message.
 *
 * <p>Thread-safe: its one state, the arrays for full data messages, is.
 */
final class SendPath {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    /** Free arrays for full data messages kept: 2 MiB, as many as a link's send queue holds by default and more. */
    private static final int ARRAYS_KEPT = 64;

    private static final Runnable NOTHING = () -> { };

    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Bytes of an array for a full data message: the header and a full payload. */
    private static final int ARRAY_BYTES = Message.HEADER_LENGTH + Connection.MAX_DATA_PER_MESSAGE;

    private final Transport transport;
    /** The engine's timer, where wake-ups for room run ({@link #whenRoom}). */
    private final Executor timer;
    private final Counters counters;
    private final Consumer<Consumer<MessageListener>> notifier;
    /**
     * Arrays for full data messages, reused once the transport has copied the message out of them
     * ({@link Transport#sendLent}), so that a bulk writer lays each message out in memory that is
     * warm in the cache; {@code null} while a listener may keep what it sees.
     */
    private final FreeList<byte[]> arrays;

    /**
     * @param listening whether a listener sees the messages, which may keep them: their arrays are
     *     then never reused
     * @param timer the engine's timer thread
     */
    SendPath(Transport transport, Counters counters, Consumer<Consumer<MessageListener>> notifier, boolean listening,
            Executor timer) {
        this.transport = transport;
        this.timer = timer;
        this.counters = counters;
        this.notifier = notifier;
        this.arrays = listening ? null : new FreeList<>(ARRAYS_KEPT, () -> new byte[ARRAY_BYTES]);
    }

    /**
     * Sends {@code length} of the writer's bytes as data messages of {@code connection}, full ones
     * ({@link Connection#MAX_DATA_PER_MESSAGE}) and then the rest, as {@link #send} does. The full
     * ones, unless a listener sees the messages, are first offered to the transport to send at
     * once from the writer's bytes, in one run ({@link Transport#sendNow(Destination, ByteBuffer,
     * ByteBuffer, int)}); each it does not take is laid out in a reused array and lent to the
     * transport ({@link Transport#sendLent}), which gives the array back once it has copied the
     * message. A shorter one is copied into a message of its own: its copy costs less than the
     * views an offer takes. Unless {@code wait}, each message goes by {@link Transport#offerLent}
     * instead, and the first one the transport has no room for ends the run.
     *
     * @return how many bytes were sent, in whole messages from the start: all of them if {@code wait}
     * @throws IOException if the transport failed to send them
     */
    int sendData(Connection connection, byte[] source, int offset, int length, boolean wait) throws IOException {
        int max = Connection.MAX_DATA_PER_MESSAGE;
        int full = length / max * max;
        int taken = 0;
        if (arrays != null && full > 0) {
            taken = transport.sendNow(connection.peer(), connection.dataHeader(), ByteBuffer.wrap(source, offset, full).asReadOnlyBuffer(), max);
            counters.add(Counter.MESSAGES_SENT, taken / max);
        }
        while (taken < length) {
            int next = Math.min(max, length - taken);
            if (!sendOne(connection, source, offset + taken, next, wait)) {
                break;
            }
            taken += next;
        }
        return taken;
    }

    /** Sends one data message, or if not {@code wait} offers it; returns whether it was taken. */
    private boolean sendOne(Connection connection, byte[] source, int offset, int length, boolean wait) throws IOException {
        boolean reuse = arrays != null && length == Connection.MAX_DATA_PER_MESSAGE;
        byte[] into = reuse ? arrays.take() : null;
        Message data = connection.dataMessage(into, source, offset, length);
        if (into == null && wait) {
            send(connection.peer(), data, false);
            return true;
        }
        Runnable giveBack = into == null ? NOTHING : () -> arrays.give(into);
        if (wait) {
            transport.sendLent(connection.peer(), data.encoded(), giveBack);
        } else if (!transport.offerLent(connection.peer(), data.encoded(), giveBack)) {
            giveBack.run();
            return false;
        } else if (into == null) {
            // Told only once taken: an offer the transport refused was never sent.
            notifier.accept(l -> l.sent(connection.peer(), data));
        }
        counters.increment(Counter.MESSAGES_SENT);
        return true;
    }

    /**
     * Runs {@code wake} on the engine's timer thread once the transport has room for an offer to
     * {@code to} again ({@link Transport#whenRoom}): the transport may run its wake-up on its own
     * writing path, which an offer, or a readiness callback run on the calling thread, must not
     * enter again. Nothing runs once the engine is closed.
     */
    void whenRoom(Destination to, Runnable wake) {
        transport.whenRoom(to, () -> {
            try {
                timer.execute(wake);
            } catch (RejectedExecutionException closed) {
                LOG.log(Level.DEBUG, () -> "the engine is closed; a wake-up for room to " + to + " is dropped");
            }
        });
    }

    /**
     * Hands a message to the transport, which may block for backpressure; {@code opening} for a
     * SYN, which goes by {@link Transport#open}.
     *
     * @throws IOException if the transport failed to send it
     */
    void send(Destination to, Packet packet, boolean opening) throws IOException {
        // Tell the listener first, so that a trace shows a message before the peer's answer to it.
        notifier.accept(l -> l.sent(to, packet));
        if (opening) {
            sendOpening(to, packet);
        } else {
            transport.send(to, packet.encoded());
            counters.increment(Counter.MESSAGES_SENT);
        }
    }

    /**
     * A SYN of a connect that does not wait: handed to the transport if it takes it without
     * waiting ({@link Transport#openNow}); the listener is told either way, and the caller sends a
     * SYN not taken by {@link #sendOpening}.
     *
     * @return whether the transport took it
     */
    boolean openNow(Destination to, Message syn) {
        notifier.accept(l -> l.sent(to, syn));
        boolean taken = transport.openNow(to, syn.encoded());
        if (taken) {
            counters.increment(Counter.MESSAGES_SENT);
        }
        return taken;
    }

    /** Sends a SYN the listener has been told of by {@link Transport#open}, which may dial and wait. */
    void sendOpening(Destination to, Packet syn) throws IOException {
        transport.open(to, syn.encoded());
        counters.increment(Counter.MESSAGES_SENT);
    }

    /**
     * The reply path: the one way the engine sends a control message it produced itself (a
     * repeated ACK, a refusal, a close after a failure or a timeout, a pong). Never blocks
     * and never throws: a reply the transport did not take is counted as
     * {@link Counter#SEND_FAILED}. It may go out ahead of data queued for the peer; see the
     * threading contract on {@link Engine}.
     */
    void reply(Destination to, Message message) {
        notifier.accept(l -> l.sent(to, message));
        if (transport.reply(to, message.encoded())) {
            counters.increment(Counter.MESSAGES_SENT);
        } else {
            counters.increment(Counter.SEND_FAILED);
            LOG.log(Level.DEBUG, () -> "the transport did not take " + message + " for " + to);
        }
    }

    /**
     * Sends the close of a connection ended on purpose. {@code inOrder} (the closer holds the
     * connection's {@code sendLock}): behind every message handed to the transport before it,
     * offered without waiting ({@link Transport#offerLent}) and, if the transport has no room now,
     * offered again each time it says it has ({@link Transport#whenRoom}), so that a peer that
     * stops reading never holds the closer. Otherwise (a writer is held up) by
     * {@link #replyOrWait}, which does not queue behind it. Never throws: a failure is counted as
     * {@link Counter#SEND_FAILED}.
     */
    void sendClose(Destination to, Message close, boolean inOrder) {
        if (inOrder) {
            notifier.accept(l -> l.sent(to, close));
            offerInTurn(to, close);
        } else {
            replyOrWait(to, close);
        }
    }

    /** Offers a message behind the data, and again whenever the transport has room, until taken or failed. */
    private void offerInTurn(Destination to, Message message) {
        try {
            if (transport.offerLent(to, message.encoded(), NOTHING)) {
                counters.increment(Counter.MESSAGES_SENT);
            } else {
                whenRoom(to, () -> offerInTurn(to, message));
            }
        } catch (IOException e) {
            counters.increment(Counter.SEND_FAILED);
            LOG.log(Level.DEBUG, () -> "could not send " + message + " to " + to + ": " + e.getMessage());
        }
    }

    /**
     * A read's credit grant. From a reader that may wait ({@code read}) by {@link #replyOrWait};
     * from one that must not ({@code readNow}, on a readiness callback's thread) by the reply
     * path and, if the transport cannot take it now, offered behind the data and again on room,
     * as a close is, so that such a reader never waits for the transport. A grant's place among
     * the data does not matter: the peer adds them up.
     */
    void sendGrant(Destination to, Message grant, boolean mayWait) {
        if (mayWait) {
            replyOrWait(to, grant);
            return;
        }
        notifier.accept(l -> l.sent(to, grant));
        if (transport.reply(to, grant.encoded())) {
            counters.increment(Counter.MESSAGES_SENT);
        } else {
            offerInTurn(to, grant);
        }
    }

    /**
     * The ACK of a connection an application thread accepted: sent at once on that thread if the
     * transport can ({@link Transport#sendNow(Destination, ByteBuffer, ByteBuffer)}: nothing is
     * queued for the peer), which spares waking the transport's thread and, through it, the
     * connecting one; else by the reply path, ahead of queued data (none of which can belong to
     * the connection an ACK acknowledges), so that a link its peer does not read holds no such
     * thread; if the transport cannot take it now either, by a send that may wait for
     * backpressure (and dial) if {@code mayWait} ({@code accept}), else not at all
     * ({@code acceptNow}, counted as {@link Counter#SEND_FAILED}).
     *
     * @return whether it was sent
     * @throws IOException if the send that may wait failed
     */
    boolean sendAck(Destination to, Message ack, boolean mayWait) throws IOException {
        notifier.accept(l -> l.sent(to, ack));
        if (transport.sendNow(to, ack.encoded(), NO_PAYLOAD) || transport.reply(to, ack.encoded())) {
            counters.increment(Counter.MESSAGES_SENT);
            return true;
        }
        if (!mayWait) {
            counters.increment(Counter.SEND_FAILED);
            return false;
        }
        transport.send(to, ack.encoded());
        counters.increment(Counter.MESSAGES_SENT);
        return true;
    }

    /**
     * A control message whose loss its sender need not hear of (a credit grant from {@code read},
     * a close that could not wait for the writer): by the reply path, ahead of queued data, so that
     * a link its peer does not read holds no application thread; if the transport cannot take it
     * now, by a send that may wait for backpressure (and dial). Never throws: a failure is counted
     * as {@link Counter#SEND_FAILED}.
     */
    void replyOrWait(Destination to, Message message) {
        notifier.accept(l -> l.sent(to, message));
        try {
            if (!transport.reply(to, message.encoded())) {
                transport.send(to, message.encoded());
            }
            counters.increment(Counter.MESSAGES_SENT);
        } catch (IOException e) {
            counters.increment(Counter.SEND_FAILED);
            LOG.log(Level.DEBUG, () -> "could not send " + message + " to " + to + ": " + e.getMessage());
        }
    }
}
