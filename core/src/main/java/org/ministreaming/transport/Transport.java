package org.ministreaming.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One endpoint of a message-oriented, destination-addressed network: the SPI that carries
 * ministreaming messages. A transport moves whole messages and knows nothing of connections.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li><b>Two ways to send.</b> {@link #send} is for the data path: it may block, on any
 *       thread, to apply backpressure (a full queue, a full window, a dial), and it keeps the
 *       order of the messages it is given for one peer. {@link #reply} is for control messages
 *       that answer or end something (acknowledgements, refusals, pongs, credit, closes after a
 *       failure): it never blocks on any thread, never dials, and never throws for an ordinary
 *       failure, which it reports by returning {@code false}. A reply may go out ahead of
 *       messages {@link #send} has queued for the same peer and not yet written, as an HTTP/2
 *       writer sends its control frames first; a message that must follow the data, like a
 *       graceful close, goes by {@link #send}. A data message may first be offered to
 *       {@link #sendNow}, which sends it at once on the caller's thread or takes nothing, and
 *       never blocks. No code needs to know which thread it runs on: the caller says what it
 *       wants by the operation it calls. A sender that must not wait for room offers a data
 *       message instead ({@link #offerLent}) and is told when to offer again ({@link #whenRoom}).</li>
 *   <li><b>Replies are bounded.</b> Replies waiting for a peer are held within a bound of the
 *       transport's own. When that bound is reached (the peer takes nothing while it keeps
 *       provoking replies), the transport either drops the reply and returns {@code false}, or
 *       gives up on the peer, which the receiver then hears through {@link Receiver#onPeerLost}
 *       later, never from inside the {@code reply} call. Each transport documents which.</li>
 *   <li><b>Receiving.</b> Messages from one peer are handed to the receiver one at a time and in
 *       the order the transport delivers them. The receiver must not block: it answers by
 *       {@link #reply}. A transport never calls its receiver from inside a {@code send},
 *       {@code sendNow}, {@code reply}, {@code open}, {@code openNow} or {@code forget} call of its own; it may call another
 *       endpoint's, as the in-memory transport hands a message to an idle peer's receiver on
 *       the sending thread.</li>
 *   <li><b>Senders.</b> A transport names the sender of every message it delivers, unless it
 *       cannot ({@link #knowsSenders}): I2CP does not tell a receiver who sent a message, so a
 *       plain message there comes by {@link Receiver#onUnattributed}, and the layer above finds
 *       its sender from what it sent itself and from the SYN payloads the transport
 *       {@linkplain #senderOfSyn resolves}.</li>
 *   <li>{@link #send}, {@link #sendNow} and {@link #reply} may be called by many threads at once.
 *       {@link #close} stops every thread the transport started before it returns.</li>
 * </ul>
 */
public interface Transport extends AutoCloseable {

    /** This endpoint's own destination. */
    Destination localDestination();

    /**
     * This endpoint's destination as a SYN payload carries it: the transport's own encoding
     * (a URI in UTF-8 for the in-memory transport, an I2P Destination over I2CP).
     *
     * @return a fresh array
     */
    byte[] synPayload();

    /**
     * Whether every message this transport delivers comes with its sender
     * ({@link Receiver#onMessage}). A transport that answers {@code false} delivers the messages
     * whose sender it cannot know by {@link Receiver#onUnattributed}, and the layer directly above
     * it finds their senders; the engine and the reliable delivery layer do so by themselves. By
     * default {@code true}.
     */
    default boolean knowsSenders() {
        return true;
    }

    /**
     * Whether the sender of every non-plain message this transport delivers is proven: nobody
     * else could have sent it in that peer's name. Plain messages never are (the original's
     * messages carry no proof). When it answers {@code true}, the reliable delivery layer lets no
     * plain message override what a peer's frames established: a probe with a new epoch and a
     * plain message from a peer that speaks frames are dropped (protocol.md §14, "Proven
     * senders"). By default {@code false}.
     */
    default boolean provesFrameSenders() {
        return false;
    }

    /**
     * The destination a SYN's payload names, in this transport's encoding (as
     * {@link #synPayload} makes this endpoint's own): what lets the layer above attribute a SYN
     * that came by {@link Receiver#onUnattributed}. Bytes after the destination are ignored. By
     * default empty: a transport that {@linkplain #knowsSenders knows its senders} need not say.
     *
     * @param payload the bytes after the SYN's header, read-only; not kept
     * @return the destination, or empty if the bytes do not begin with one
     */
    default Optional<Destination> senderOfSyn(ByteBuffer payload) {
        return Optional.empty();
    }

    /**
     * Starts delivering inbound messages to {@code receiver}. Called once.
     *
     * @param receiver where inbound messages go
     * @throws IOException if the endpoint cannot start
     */
    void start(Receiver receiver) throws IOException;

    /**
     * Sends one message. The buffer is read-only and never changes; the transport may keep a
     * reference to it after returning.
     *
     * @param to the peer
     * @param message one whole ministreaming message
     * @throws IOException if the peer is unreachable or the transport is closed
     */
    void send(Destination to, ByteBuffer message) throws IOException;

    /**
     * Sends one message made of two parts, {@code header} and then {@code payload}, with the
     * same promises as {@link #send(Destination, ByteBuffer)}: a layer that puts a header before
     * a message it carries need not copy both into one array first, and a transport that frames
     * messages itself gathers both into its write buffer. By default the parts are copied into
     * one buffer, which goes to {@link #send(Destination, ByteBuffer)}.
     *
     * @param to the peer
     * @param header the first bytes of the message, read-only and never changed
     * @param payload the rest of the message, read-only and never changed
     * @throws IOException if the peer is unreachable or the transport is closed
     */
    default void send(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        ByteBuffer message = ByteBuffer.allocate(header.remaining() + payload.remaining());
        message.put(header.duplicate()).put(payload.duplicate());
        send(to, message.flip().asReadOnlyBuffer());
    }

    /**
     * Sends one message as {@link #send(Destination, ByteBuffer)} does, lending its memory rather
     * than handing it over: the transport runs {@code sent} once it reads the message no more (it
     * has copied it into a buffer of its own, say), and the sender may write over that memory
     * from then on. A transport that keeps the message, or drops it, never runs {@code sent}, and
     * runs it at most once, on any thread. By default the message is sent as handed over, and
     * {@code sent} never runs.
     *
     * @param sent lets the sender reuse the memory of {@code message}
     * @throws IOException as {@link #send(Destination, ByteBuffer)} throws
     */
    default void sendLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
        send(to, message);
    }

    /**
     * Sends one data message as {@link #sendLent} does if the transport can queue it now, behind
     * what it queued for the peer before: when its queue for the peer has no room (the peer takes
     * nothing, or too little) or its way to the peer is still being opened, it takes nothing and
     * returns {@code false}, and {@link #whenRoom} tells when to offer again. Never waits and never
     * dials. For a sender that serves many connections from few threads, whom one peer that stops
     * reading must not hold. By default the message goes by {@link #sendLent}, which may wait and
     * dial: a transport that does not override both this and {@link #whenRoom} has no room to report.
     *
     * @param to the peer
     * @param message one whole ministreaming message, read-only and never changed
     * @param sent lets the sender reuse the memory of {@code message}, as for {@link #sendLent}
     * @return whether the message was taken; if {@code false}, {@code sent} never runs
     * @throws IOException if there is no way to the peer now (it would have to dial), it failed, or
     *     the transport is closed
     */
    default boolean offerLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
        sendLent(to, message, sent);
        return true;
    }

    /**
     * Runs {@code wake} once, when an {@link #offerLent} to {@code to} that found no room may be
     * taken now: the transport's queue for that peer has room again, or the way to the peer has
     * ended (the next offer then fails). At once, on the calling thread, if that is so already, or
     * the transport has no way to the peer. Never blocks. It may run {@code wake} on the
     * transport's own thread, on its writing path on a sender's thread, or under its own locks, so
     * {@code wake} must be quick, must not block, and must neither send nor offer (which would
     * enter that path again): it hands such work to a thread of the caller's. By default it runs {@code wake} at once.
     *
     * @param to the peer
     * @param wake what to run, once
     */
    default void whenRoom(Destination to, Runnable wake) {
        wake.run();
    }

    /**
     * Sends one message of two parts, {@code header} and then {@code payload}, at once on the
     * calling thread if the transport can without waiting: it has written both, or copied them
     * into memory of its own, before it returns, and keeps neither buffer. It does so only when
     * the message overtakes nothing (nothing is queued for the peer and not yet written) and
     * the way to the peer is open; otherwise it takes nothing and returns {@code false}, and the
     * caller sends the message by {@link #send(Destination, ByteBuffer, ByteBuffer)} or
     * {@link #sendLent}, which keep it in order behind what is queued. Never dials, never blocks
     * and never throws for an ordinary failure (a failure of the way to the peer is reported as
     * the other sends report it). For a sender whose bytes are its caller's again once it
     * returns: the copy it would make to lend them is saved. By default it takes nothing.
     *
     * @param to the peer
     * @param header the first bytes of the message, read during this call only
     * @param payload the rest of the message, read during this call only
     * @return whether the message was sent; if {@code false}, nothing of it was
     */
    default boolean sendNow(Destination to, ByteBuffer header, ByteBuffer payload) {
        return false;
    }

    /**
     * Sends a run of messages at once as {@link #sendNow(Destination, ByteBuffer, ByteBuffer)}
     * sends one: {@code payload} cut into pieces of {@code piece} bytes (the last may be shorter),
     * each one message of {@code header} and then that piece, in order, as many of the first
     * pieces as it can without waiting. The caller sends the rest by the other sends. By
     * default each piece is offered in turn to the form for one message, until one is not taken.
     *
     * @param to the peer
     * @param header the first bytes of every message, read during this call only
     * @param payload the rest of the messages, read during this call only
     * @param piece the most payload bytes of each message, at least 1
     * @return how many bytes of {@code payload} were sent, in whole pieces from its start: from
     *     0 (nothing was, or the payload is empty) to all of them
     * @throws IllegalArgumentException if {@code piece} is less than 1
     */
    default int sendNow(Destination to, ByteBuffer header, ByteBuffer payload, int piece) {
        checkPiece(piece);
        int length = payload.remaining();
        int sent = 0;
        while (sent < length) {
            int next = Math.min(piece, length - sent);
            if (!sendNow(to, header, payload.slice(payload.position() + sent, next))) {
                break;
            }
            sent += next;
        }
        return sent;
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code piece}, the payload bytes of each
     * message of a run ({@link #sendNow(Destination, ByteBuffer, ByteBuffer, int)}), is at least 1:
     * for a transport that sends runs in a form of its own.
     *
     * @param piece the most payload bytes of each message of a run
     */
    static void checkPiece(int piece) {
        if (piece < 1) {
            throw new IllegalArgumentException("a run's pieces must be at least 1 byte long, not " + piece);
        }
    }

    /**
     * Sends one control message without blocking, ahead of what {@link #send} has queued for
     * the peer and not yet written, as the threading contract above describes. Never dials: with
     * no way to the peer now, the reply is not sent. The buffer is read-only and never changes;
     * the transport may keep a reference to it after returning.
     *
     * @param to the peer
     * @param message one whole ministreaming message
     * @return {@code true} if the message was sent or queued; {@code false} if it was not (the
     *     transport is closed, has no way to the peer now, or holds as many replies for the
     *     peer as it may), never blocking to find out
     */
    boolean reply(Destination to, ByteBuffer message);

    /**
     * Sends one control message of two parts, {@code header} and then {@code payload}, with the
     * same promises as {@link #reply(Destination, ByteBuffer)}. By default the parts are copied
     * into one buffer, which goes to {@link #reply(Destination, ByteBuffer)}.
     *
     * @param to the peer
     * @param header the first bytes of the message, read-only and never changed
     * @param payload the rest of the message, read-only and never changed
     * @return whether the message was sent or queued
     */
    default boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
        ByteBuffer message = ByteBuffer.allocate(header.remaining() + payload.remaining());
        message.put(header.duplicate()).put(payload.duplicate());
        return reply(to, message.flip().asReadOnlyBuffer());
    }

    /**
     * Sends a message that opens a connection (a SYN), with the same promises as {@link #send}.
     * A transport that settles with each peer how to speak to it may send an opening message
     * differently, so that a peer of any kind can answer it: the reliable delivery layer sends it
     * as a plain message with its offer attached while it does not know the peer. By default it
     * is sent like any other message.
     *
     * @param to the peer
     * @param syn one whole ministreaming SYN
     * @throws IOException if the peer is unreachable or the transport is closed
     */
    default void open(Destination to, ByteBuffer syn) throws IOException {
        send(to, syn);
    }

    /**
     * Sends a SYN as {@link #open} would, but only if the transport can without waiting: written
     * or queued at once, over a way to the peer that is open already, as
     * {@link #sendNow(Destination, ByteBuffer, ByteBuffer)} or {@link #reply(Destination, ByteBuffer)}
     * would take it. Never dials, never blocks, never calls the receiver and never throws for an
     * ordinary failure. For a connect that must not wait ({@code StreamManager.connectAsync}); the
     * engine sends a SYN this does not take by {@link #open}, on a thread of its own. By default
     * it takes nothing, which is always right: a transport that sends an opening message
     * differently from others keeps this default unless it can do that without waiting too.
     *
     * @param to the peer
     * @param syn one whole ministreaming SYN, which the transport may keep
     * @return whether the SYN was taken
     */
    default boolean openNow(Destination to, ByteBuffer syn) {
        return false;
    }

    /**
     * The engine has forgotten {@code peer}: it has had no connections with it for the grace
     * period. The transport may drop what it keeps for that peer (links, windows, address
     * entries); if the peer comes back, it is met as a new one. A transport keeps what it still
     * needs: state for messages in flight to or from the peer is never dropped, so a forget that
     * crosses a message is harmless. Called on the engine's timer thread while the engine keeps
     * any new message to or from that peer waiting, so it must be quick, never block and never
     * call the receiver. By default nothing is dropped.
     *
     * @param peer the peer forgotten
     */
    default void forget(Destination peer) {
    }

    /** Stops the endpoint: no more deliveries, and every thread it started has ended. */
    @Override
    void close();

    /**
     * Receives what a {@link Transport} delivers.
     */
    interface Receiver {

        /**
         * One inbound message: the bytes from the buffer's position to its limit. The buffer is
         * read-only and handed over: the receiver owns it and may keep it, and its bytes never
         * change. It may be a view into a larger array the transport received (a frame's
         * payload), so that no layer copies a message to pass it on.
         *
         * @param from the peer that sent it, as the transport knows it
         * @param message the bytes, read-only, handed over
         */
        void onMessage(Destination from, ByteBuffer message);

        /**
         * One inbound message lent rather than handed over, so that a transport can pass on a view
         * of the memory it read the message into instead of a copy: the bytes stay unchanged until
         * the receiver runs {@code giveBack}, after which the transport may reuse that memory. The
         * receiver runs {@code giveBack} once it reads the bytes no more, on any thread, and keeps
         * no view of them after that; further runs have no effect. A receiver that fails with an
         * exception and so never gives back costs the transport that memory's reuse, not its
         * safety. Same thread and order as {@link #onMessage}.
         *
         * <p>By default the bytes are copied into a buffer of the receiver's own, the loan is
         * given back, and the copy goes to {@link #onMessage}.
         *
         * @param from the peer that sent it, as the transport knows it
         * @param message the bytes, read-only, lent until {@code giveBack} runs
         * @param giveBack lets the transport reuse the memory of {@code message}; thread-safe
         */
        default void onLentMessage(Destination from, ByteBuffer message, Runnable giveBack) {
            ByteBuffer copy = ByteBuffer.allocate(message.remaining()).put(message.duplicate()).flip().asReadOnlyBuffer();
            giveBack.run();
            onMessage(from, copy);
        }

        /**
         * As {@link #onLentMessage(Destination, ByteBuffer, Runnable)}, saying whether another
         * message from the same peer follows at once: with {@code more}, the transport hands the
         * next one over right after this call returns, on the same thread (such as the next whole
         * frame of the same read), so the receiver may hold back waking whoever waits for what it
         * kept until a message comes without {@code more}. A transport ends every such run with a
         * message without it, through any of the methods that hand messages over, with
         * {@link #onPeerLost}, or by closing. By default {@code more} is ignored.
         */
        default void onLentMessage(Destination from, ByteBuffer message, Runnable giveBack, boolean more) {
            onLentMessage(from, message, giveBack);
        }

        /**
         * One inbound message whose sender the transport cannot know (see
         * {@link Transport#knowsSenders}), on the same terms as {@link #onMessage}: the receiver
         * attributes it, or drops it. By default it is dropped.
         *
         * @param message the bytes, read-only, handed over
         * @return whether the receiver found its sender and took it; a transport counts the ones
         *     dropped
         */
        default boolean onUnattributed(ByteBuffer message) {
            return false;
        }

        /**
         * The transport lost its link to a peer; connections with it cannot continue.
         *
         * @param peer the peer
         * @param cause what happened
         */
        void onPeerLost(Destination peer, IOException cause);
    }
}
