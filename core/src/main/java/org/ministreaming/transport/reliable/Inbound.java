package org.ministreaming.transport.reliable;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * The receive path of a {@link ReliableTransport}: what the inner transport delivers. Decodes
 * each frame or plain message, lets the sender's {@link Peer} decide, sends what it answers by
 * the inner transport's {@link Transport#reply} (never blocking), and hands the messages now in
 * order to the receiver above, holding the peer's upcall lock so that one peer's messages and
 * its loss go up one at a time.
 *
 * <p>Runs on the inner transport's receive threads; thread-safe, it keeps no state of its own.
 */
final class Inbound implements Transport.Receiver {

    private static final System.Logger LOG = System.getLogger(ReliableTransport.class.getName());

    private final ReliableTransport transport;
    private final Counters counters;

    Inbound(ReliableTransport transport, Counters counters) {
        this.transport = transport;
        this.counters = counters;
    }

    @Override
    public void onMessage(Destination from, ByteBuffer message) {
        if (transport.isClosed()) {
            return;
        }
        Frame frame = null;
        if (Frame.isFrame(message)) {
            try {
                frame = Frame.decode(message);
            } catch (IllegalArgumentException e) {
                counters.increment(ReliableCounter.MALFORMED_FRAMES);
                LOG.log(Level.DEBUG, () -> "dropped a malformed frame from " + from + ": " + e.getMessage());
                return;
            }
        }
        Peer peer = transport.lockUpcall(from, frame);
        try {
            transport.deliverLoss(peer);
            if (frame != null) {
                handle(peer, peer.onFrame(frame, System.nanoTime()));
            } else {
                onPlainOrProbe(peer, message);
            }
        } finally {
            peer.upcall.unlock();
        }
    }

    private void onPlainOrProbe(Peer peer, ByteBuffer message) {
        Frame probe = Probe.decode(message);
        Actions actions = probe != null ? peer.onProbe(probe, System.nanoTime()) : null;
        if (actions != null) {
            handle(peer, actions);
        } else {
            onPlain(peer, message);
        }
    }

    private void handle(Peer peer, Actions actions) {
        for (Transmission out : actions.send) {
            transport.replyQuietly(peer, out);
        }
        if (actions.lost != null) {
            LOG.log(Level.INFO, actions.lost);
        }
        transport.deliverLoss(peer);
        for (ByteBuffer payload : actions.deliver) {
            transport.messageUpcall(peer, payload);
        }
        if (actions.ackNow) {
            Transmission ack = peer.takeAck();
            if (ack != null) {
                transport.replyQuietly(peer, ack);
            }
        }
        if (actions.drained) {
            transport.wakeCloser();
        }
    }

    private void onPlain(Peer peer, ByteBuffer message) {
        Actions actions = peer.onPlain(Peer.PLAIN_HINT.equals(message), resent -> transport.replyQuietly(peer, Transmission.whole(resent)));
        if (actions == null) {
            return;
        }
        if (actions.lost != null) {
            LOG.log(Level.INFO, actions.lost);
        }
        transport.deliverLoss(peer);
        transport.messageUpcall(peer, message);
        transport.wakeCloser();
    }

    @Override
    public void onPeerLost(Destination lost, IOException cause) {
        if (transport.isClosed()) {
            return;
        }
        Peer peer = transport.lockUpcall(lost, null);
        try {
            peer.linkLost(cause);
            transport.deliverLoss(peer);
        } finally {
            peer.upcall.unlock();
        }
        transport.wakeCloser();
    }
}
