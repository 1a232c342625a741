package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import net.i2p.client.I2PSessionMuxedListener;
import net.i2p.client.impl.I2PClientImpl;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/**
 * The I2CP transport of the version before the handshake, as far as reliable mode goes: frames
 * (first byte 7E) travel in named envelopes (kind 01, I2CP protocol 77, ports 0), other messages
 * plain; it opens named envelopes only, drops hellos and compact envelopes as unknown kinds, and
 * knows a plain message's sender only from a SYN's destination. Run the reliable layer over it to
 * play an old peer.
 */
final class VersionBeforeTransport implements Transport {

    private final I2pKeys keys;
    private final I2PSession session;
    private volatile Receiver receiver;

    VersionBeforeTransport(I2pRouter router, I2pKeys keys) throws I2PSessionException {
        this.keys = keys;
        this.session = new I2PClientImpl().createSession(I2pContext.get(), keys.keyStream(), router.sessionOptions());
        session.addMuxedSessionListener(new Listener(), I2PSession.PROTO_ANY, I2PSession.PORT_ANY);
    }

    @Override
    public Destination localDestination() {
        return keys.destination();
    }

    @Override
    public byte[] synPayload() {
        return keys.destinationBytes();
    }

    @Override
    public void start(Receiver above) throws IOException {
        this.receiver = above;
        try {
            session.connect();
        } catch (I2PSessionException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        boolean frame = bytes.length > 0 && bytes[0] == 0x7E;
        byte[] sent = frame ? Envelope.seal(keys.destinationBytes(), ByteBuffer.wrap(bytes), ByteBuffer.allocate(0)) : bytes;
        try {
            session.sendMessage(I2pDestinations.fromUri(to), sent, 0, sent.length, null, null,
                    frame ? Envelope.PROTOCOL : I2PSession.PROTO_UNSPECIFIED, 0, 0);
        } catch (I2PSessionException e) {
            throw new IOException(e);
        }
    }

    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        try {
            send(to, message);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            session.destroySession();
        } catch (I2PSessionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void deliver(byte[] bytes, int protocol) {
        try {
            if (protocol == Envelope.PROTOCOL) {
                Envelope.Opened opened = Envelope.open(bytes);
                receiver.onMessage(I2pDestinations.toUri(opened.sender()), opened.message());
            } else if (bytes.length > 4 && bytes[0] == (byte) 0xA1) {
                receiver.onMessage(I2pDestinations.toUri(I2pDestinations.read(bytes, 4)), ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length)));
            }
        } catch (IOException unreadable) {
            // The version before drops what it cannot read: hellos and compact envelopes among them.
        }
    }

    private final class Listener implements I2PSessionMuxedListener {
        @Override
        public void messageAvailable(I2PSession from, int id, long size, int protocol, int fromPort, int toPort) {
            try {
                byte[] bytes = from.receiveMessage(id);
                if (bytes != null) {
                    deliver(bytes, protocol);
                }
            } catch (I2PSessionException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void messageAvailable(I2PSession from, int id, long size) {
            messageAvailable(from, id, size, 0, 0, 0);
        }

        @Override
        public void reportAbuse(I2PSession from, int severity) {
        }

        @Override
        public void disconnected(I2PSession from) {
        }

        @Override
        public void errorOccurred(I2PSession from, String message, Throwable error) {
        }
    }
}
