package org.ministreaming.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A transport that passes every call on to another one, for tests that watch or alter one call
 * and override only that. Thread-safe as the transport it wraps.
 */
public class ForwardingTransport implements Transport {

    /** The transport every call goes on to. */
    protected final Transport inner;

    /** Forwards to {@code inner}, which this transport owns from now on. */
    public ForwardingTransport(Transport inner) {
        this.inner = inner;
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
    public void start(Receiver receiver) throws IOException {
        inner.start(receiver);
    }

    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        inner.send(to, message);
    }

    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        return inner.reply(to, message);
    }

    @Override
    public boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
        return inner.reply(to, header, payload);
    }

    @Override
    public void open(Destination to, ByteBuffer syn) throws IOException {
        inner.open(to, syn);
    }

    @Override
    public void forget(Destination peer) {
        inner.forget(peer);
    }

    @Override
    public void close() {
        inner.close();
    }
}
