package org.ministreaming.transport.attribution;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * Plain-mode sender attribution above the SPI: a transport over one that cannot name the sender
 * of every message ({@link Transport#knowsSenders} false, as over I2CP). It learns from every
 * message sent through it which peer will answer with which connection id ({@link PlainSenders}),
 * and gives each message the inner transport delivers {@linkplain Receiver#onUnattributed without
 * a sender} the sender that its SYN payload ({@link Transport#senderOfSyn}) or its connection id
 * names; one nothing names is dropped, and the inner transport counts it. A peer the inner
 * transport reports lost or the layer above forgets takes its ids with it.
 *
 * <p>The engine and the reliable delivery layer put it over their transport by themselves
 * ({@link #over}), so it sits directly on the transport that needs it, below the layer that
 * needs senders. Everything else passes through unchanged. Thread-safe, as the inner transport
 * is; the table has its own lock, taken for a moment at a time.
 */
public final class SenderAttribution implements Transport {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Transport inner;
    private final PlainSenders senders = new PlainSenders();

    private SenderAttribution(Transport inner) {
        this.inner = inner;
    }

    /**
     * {@code transport} itself if it {@linkplain Transport#knowsSenders knows its senders}, else
     * the attribution over it.
     *
     * @param transport a transport not yet started; the one returned owns it
     */
    public static Transport over(Transport transport) {
        return transport.knowsSenders() ? transport : new SenderAttribution(transport);
    }

    @Override
    public Destination localDestination() {
        return inner.localDestination();
    }

    @Override
    public byte[] synPayload() {
        return inner.synPayload();
    }

    @Override
    public boolean provesFrameSenders() {
        return inner.provesFrameSenders();
    }

    @Override
    public Optional<Destination> senderOfSyn(ByteBuffer payload) {
        return inner.senderOfSyn(payload);
    }

    @Override
    public void start(Receiver receiver) throws IOException {
        inner.start(new Attributing(receiver));
    }

    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        senders.sent(to, message, EMPTY);
        inner.send(to, message);
    }

    @Override
    public void send(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        senders.sent(to, header, payload);
        inner.send(to, header, payload);
    }

    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        senders.sent(to, message, EMPTY);
        return inner.reply(to, message);
    }

    @Override
    public boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
        senders.sent(to, header, payload);
        return inner.reply(to, header, payload);
    }

    @Override
    public void open(Destination to, ByteBuffer syn) throws IOException {
        senders.sent(to, syn, EMPTY);
        inner.open(to, syn);
    }

    @Override
    public void forget(Destination peer) {
        senders.forget(peer);
        inner.forget(peer);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** How many connection ids the table holds now, for tests. */
    int remembered() {
        return senders.size();
    }

    @Override
    public String toString() {
        return inner.toString();
    }

    /** The receiver the inner transport calls: attributes what comes without a sender. */
    private final class Attributing implements Receiver {
        private final Receiver above;

        Attributing(Receiver above) {
            this.above = above;
        }

        @Override
        public void onMessage(Destination from, ByteBuffer message) {
            above.onMessage(from, message);
        }

        @Override
        public void onLentMessage(Destination from, ByteBuffer message, Runnable giveBack) {
            above.onLentMessage(from, message, giveBack);
        }

        @Override
        public void onLentMessage(Destination from, ByteBuffer message, Runnable giveBack, boolean more) {
            above.onLentMessage(from, message, giveBack, more);
        }

        @Override
        public boolean onUnattributed(ByteBuffer message) {
            Destination from = senders.senderOf(message, inner::senderOfSyn);
            if (from == null) {
                return false;
            }
            above.onMessage(from, message);
            return true;
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
            senders.forget(peer);
            above.onPeerLost(peer, cause);
        }
    }
}
