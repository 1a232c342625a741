package org.ministreaming.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * A transport without threads: the test calls the engine's receive path itself and reads what
 * the engine sent from a queue.
 */
final class RecordingTransport implements Transport {

    /** One message the engine sent. */
    record Sent(Destination to, byte[] bytes) {
    }

    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final Destination local;
    private volatile boolean closed;

    RecordingTransport(String uri) {
        this.local = Destination.of(uri);
    }

    @Override
    public Destination localDestination() {
        return local;
    }

    @Override
    public byte[] synPayload() {
        return local.uri().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start(Receiver receiver) {
    }

    @Override
    public void send(Destination to, ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        sent.add(new Sent(to, bytes));
    }

    /** Records a reply like a message sent: this transport never blocks. */
    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        send(to, message);
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
