package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.Async;
import org.ministreaming.Blocked;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamSocket;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.MessageType;

/**
 * A payload lent for one call ({@link TcpTransport#sendLent}, and so a {@code write} through the
 * engine) is read only during that call: the caller overwrites its array as soon as each call
 * returns, while a peer that does not read lets the socket fill (so that messages are written in
 * part by the sender's thread, left in the link's buffer and queued behind it), and the peer then
 * gets every byte as it was when it was sent.
 */
class LentWriteTest extends TcpFixture {

    /** Far more than the socket's buffers hold while the peer reads nothing (its receive buffer is small). */
    private static final int TOTAL_BYTES = 24 << 20;
    private static final int QUEUE_BYTES = 64 * 1024;
    private static final byte GARBAGE = (byte) 0xEE;

    @Test
    void aLentPayloadIsNotReadAfterSendLentReturnsEvenWhenTheSocketIsFull() throws Exception {
        ServerSocket server = slowReader();
        TcpTransport client = started(TcpTransport.plain().sendQueueBytes(QUEUE_BYTES), ignoring());
        int size = 60 * 1024;
        int count = TOTAL_BYTES / size;
        Async.Running<Void> sender = Async.run(() -> {
            byte[] array = new byte[size + 100];
            for (int i = 0; i < count; i++) {
                fill(array, 100, size, i);
                client.sendLent(destinationOf(server), ByteBuffer.allocate(4).putInt(0, i).asReadOnlyBuffer(), array, 100, size);
                Arrays.fill(array, GARBAGE);
            }
            return null;
        });
        RawPeer peer = new RawPeer(server.accept());
        peer.hello(destinationOf(server).uri());
        assertThat(peer.readText()).startsWith(Frames.HELLO_PREFIX);

        // The socket is full and the queue behind it too: later messages waited for room.
        Blocked.inTcpSend(sender.thread());

        byte[] expected = new byte[size];
        for (int i = 0; i < count; i++) {
            byte[] frame = peer.readFrame();
            assertThat(ByteBuffer.wrap(frame).getInt()).as("message number").isEqualTo(i);
            fill(expected, 0, size, i);
            assertThat(Arrays.equals(frame, 4, frame.length, expected, 0, size)).as("message %d as it was sent", i).isTrue();
        }
        assertThat(sender).succeedsWithin(Await.LIMIT);
    }

    @Test
    void aWriterMayOverwriteItsArrayAsSoonAsWriteReturnsEvenWhenTheSocketIsFull() throws Exception {
        ServerSocket server = slowReader();
        StreamOptions options = StreamOptions.defaults();
        StreamManager client = closeLater(StreamManager.open(TcpTransport.plain().sendQueueBytes(QUEUE_BYTES).build(), options));
        Async.Running<StreamSocket> connecting = Async.run(() -> client.connect(destinationOf(server), Duration.ofSeconds(WAIT_SECONDS)));
        RawPeer peer = new RawPeer(server.accept());
        peer.hello(destinationOf(server).uri());
        assertThat(peer.readText()).startsWith(Frames.HELLO_PREFIX);
        byte[] syn = peer.readFrame();
        assertThat(syn[0]).isEqualTo((byte) MessageType.SYN.code());
        // A plain ACK (no credit trailer): the writer never waits for credit, only for the socket.
        ConnectionId serverId = new ConnectionId(9);
        byte[] ack = new byte[7];
        ack[0] = (byte) MessageType.ACK.code();
        System.arraycopy(syn, 1, ack, 1, 3);
        serverId.writeTo(ack, 4);
        peer.frame(ack);
        StreamSocket socket = connecting.get(WAIT_SECONDS, TimeUnit.SECONDS);

        int chunk = 64 * 1024;
        int chunks = TOTAL_BYTES / chunk;
        Async.Running<Void> writer = Async.run(() -> {
            byte[] array = new byte[chunk];
            for (int k = 0; k < chunks; k++) {
                fill(array, 0, chunk, k);
                socket.getOutputStream().write(array);
                Arrays.fill(array, GARBAGE);
            }
            return null;
        });
        Blocked.inTcpSend(writer.thread());

        byte[] expected = new byte[chunk];
        int k = 0;
        int at = 0;
        fill(expected, 0, chunk, k);
        while (k < chunks) {
            byte[] frame = peer.readFrame();
            assertThat(frame[0]).isEqualTo((byte) MessageType.CLIENT_DATA.code());
            assertThat(ConnectionId.readRaw(frame, 1)).isEqualTo(serverId.value());
            for (int i = 4; i < frame.length; i++) {
                if (frame[i] != expected[at]) {
                    throw new AssertionError("byte " + at + " of write " + k + " is " + frame[i] + ", was " + expected[at] + " when written");
                }
                if (++at == chunk) {
                    fill(expected, 0, chunk, ++k);
                    at = 0;
                }
            }
        }
        assertThat(writer).succeedsWithin(Await.LIMIT);
    }

    /** A listening socket whose accepted sockets have a small receive buffer, so that a peer that does not read fills the sender's socket soon. */
    private ServerSocket slowReader() throws IOException {
        ServerSocket server = closeLater(new ServerSocket());
        server.setReceiveBufferSize(16 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return server;
    }

    /** The bytes of message or write {@code n}, never {@link #GARBAGE} at every place. */
    private static void fill(byte[] array, int offset, int length, int n) {
        for (int j = 0; j < length; j++) {
            array[offset + j] = (byte) (n * 131 + j * 7 + (j >>> 8));
        }
    }

    private static Transport.Receiver ignoring() {
        return new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        };
    }
}
