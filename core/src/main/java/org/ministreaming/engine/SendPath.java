package org.ministreaming.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
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

    /** Bytes of an array for a full data message: the header and a full payload. */
    private static final int ARRAY_BYTES = Message.HEADER_LENGTH + Connection.MAX_DATA_PER_MESSAGE;

    private final Transport transport;
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
     */
    SendPath(Transport transport, Counters counters, Consumer<Consumer<MessageListener>> notifier, boolean listening) {
        this.transport = transport;
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
     * views an offer takes.
     *
     * @throws IOException if the transport failed to send them
     */
    void sendData(Connection connection, byte[] source, int offset, int length) throws IOException {
        int max = Connection.MAX_DATA_PER_MESSAGE;
        int full = length / max * max;
        if (arrays != null && full > 0) {
            int taken = transport.sendNow(connection.peer(), connection.dataHeader(), ByteBuffer.wrap(source, offset, full).asReadOnlyBuffer(), max);
            counters.add(Counter.MESSAGES_SENT, taken / max);
            offset += taken;
            length -= taken;
        }
        if (length == 0) {
            return;
        }
        while (length > max) {
            sendOne(connection, source, offset, max);
            offset += max;
            length -= max;
        }
        sendOne(connection, source, offset, length);
    }

    private void sendOne(Connection connection, byte[] source, int offset, int length) throws IOException {
        boolean reuse = arrays != null && length == Connection.MAX_DATA_PER_MESSAGE;
        byte[] into = reuse ? arrays.take() : null;
        Message data = connection.dataMessage(into, source, offset, length);
        if (into == null) {
            send(connection.peer(), data, false);
            return;
        }
        transport.sendLent(connection.peer(), data.encoded(), () -> arrays.give(into));
        counters.increment(Counter.MESSAGES_SENT);
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
            transport.open(to, packet.encoded());
        } else {
            transport.send(to, packet.encoded());
        }
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
     * connection's {@code sendLock}): by {@link Transport#send}, behind every message handed to
     * the transport before it, waiting for backpressure if need be. Otherwise (a writer is held
     * up) by {@link #replyOrWait}, which does not queue behind it. Never throws: a failure is
     * counted as {@link Counter#SEND_FAILED}.
     */
    void sendClose(Destination to, Message close, boolean inOrder) {
        if (inOrder) {
            notifier.accept(l -> l.sent(to, close));
            sendQuietly(to, close);
        } else {
            replyOrWait(to, close);
        }
    }

    /**
     * A control message an application thread produced (a credit grant from {@code read}, a close
     * that could not wait for the writer): by the reply path, ahead of queued data; if the
     * transport cannot take it now, by a send that may wait for backpressure, as the thread may
     * wait. Never throws: a failure is counted as {@link Counter#SEND_FAILED}.
     */
    void replyOrWait(Destination to, Message message) {
        notifier.accept(l -> l.sent(to, message));
        if (transport.reply(to, message.encoded())) {
            counters.increment(Counter.MESSAGES_SENT);
        } else {
            sendQuietly(to, message);
        }
    }

    private void sendQuietly(Destination to, Message message) {
        try {
            transport.send(to, message.encoded());
            counters.increment(Counter.MESSAGES_SENT);
        } catch (IOException e) {
            counters.increment(Counter.SEND_FAILED);
            LOG.log(Level.DEBUG, () -> "could not send " + message + " to " + to + ": " + e.getMessage());
        }
    }
}
