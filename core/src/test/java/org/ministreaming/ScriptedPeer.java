package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.TraceFormat;

/**
 * A peer without an engine: the test writes its script (raw messages to send) and checks what
 * arrives, byte for byte.
 */
final class ScriptedPeer implements AutoCloseable {

    static final Duration WAIT = Await.LIMIT;

    private final MemoryTransport transport;
    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();

    ScriptedPeer(MemoryNetwork network, String name) throws IOException {
        this.transport = network.endpoint(name);
        transport.start(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                inbox.add(RecordingReceiver.bytes(message));
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
    }

    Destination destination() {
        return transport.localDestination();
    }

    /** Sends raw bytes to {@code to}. */
    void send(Destination to, byte[] bytes) throws IOException {
        transport.send(to, ByteBuffer.wrap(bytes));
    }

    /** Sends one line of trace notation, for example {@code C->S A1 12 34 56}. */
    void send(Destination to, String traceLine) throws IOException {
        send(to, TraceFormat.parseBytes(traceLine));
    }

    /** The next message that arrives, failing the test if none does within {@link #WAIT}. */
    byte[] expect() throws InterruptedException {
        byte[] message = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a message should arrive within %s", WAIT).isNotNull();
        return message;
    }

    /** The next message, decoded. */
    Message expectMessage() throws Exception {
        return (Message) Codec.decode(expect());
    }

    /** Asserts nothing more arrived, after the engine had {@code quiet} to send anything. */
    void expectNothing(Duration quiet) throws InterruptedException {
        byte[] message = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("no message expected").isNull();
    }

    /**
     * Waits until {@code engine} has handled everything this peer sent before: an ACK for a
     * client id nobody uses is always answered with a close for its server id, and the network
     * keeps order per pair.
     */
    void sync(Destination engine) throws Exception {
        send(engine, "S->C 51 0F 0F 0F 0E 0E 0E");
        assertThat(hex(expect())).isEqualTo("A2 0E 0E 0E");
    }

    /**
     * Like {@link #sync}, for when the engine may still be answering earlier messages: returns
     * everything that arrived before the sync's answer, in order.
     */
    java.util.List<byte[]> syncCollecting(Destination engine) throws Exception {
        send(engine, "S->C 51 0F 0F 0F 0E 0E 0E");
        java.util.List<byte[]> before = new java.util.ArrayList<>();
        byte[] next;
        while (!hex(next = expect()).equals("A2 0E 0E 0E")) {
            before.add(next);
        }
        return before;
    }

    static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }

    @Override
    public void close() {
        transport.close();
    }
}
