package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/**
 * {@link TcpTransport#sendNow}: a message written at once on the caller's thread, from the
 * caller's buffers, when the link to the peer is a plain one that nobody else writes with nothing
 * queued or left over; otherwise nothing is taken, so that a message the caller then sends the
 * usual way keeps its place. What is taken is never read from the caller's buffers afterwards.
 */
class TcpSendNowTest extends TcpFixture {

    @Test
    void onAnIdlePlainLinkTheMessageIsWrittenAtOnceAndItsBuffersAreTheCallersAgain() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(new RecordingReceiver());
        Destination to = server.localDestination();
        client.send(to, text("dial"));
        assertThat(atServer.next().text()).isEqualTo("dial");

        Random random = new Random(1);
        List<byte[]> sent = new ArrayList<>();
        int takenNow = 0;
        for (int i = 0; i < 200; i++) {
            byte[] message = new byte[2 + random.nextInt(40_000)];
            random.nextBytes(message);
            sent.add(message.clone());
            if (client.sendNow(to, ByteBuffer.wrap(message, 0, 2), ByteBuffer.wrap(message, 2, message.length - 2))) {
                takenNow++;
            } else {
                client.send(to, ByteBuffer.wrap(message.clone()));
            }
            Arrays.fill(message, (byte) 0xEE); // the caller's again: the peer must not see this
        }

        for (int i = 0; i < sent.size(); i++) {
            assertThat(Arrays.equals(atServer.next().bytes(), sent.get(i))).as("message %d as sent, in its place", i).isTrue();
        }
        assertThat(takenNow).as("messages written at once").isPositive();
    }

    @Test
    void withoutALinkToThePeerNothingIsTakenAndNothingDialled() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(new RecordingReceiver());

        assertThat(client.sendNow(server.localDestination(), text("now"), text("?"))).isFalse();

        client.send(server.localDestination(), text("dialled"));
        assertThat(atServer.next().text()).as("the first message the server hears").isEqualTo("dialled");
    }

    @Test
    void overTlsNothingIsTakenForTheLoopWritesThroughTheEngine() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), atServer);
        TcpTransport client = started(pinnedTo(server), new RecordingReceiver());
        client.send(server.localDestination(), text("dial"));
        assertThat(atServer.next().text()).isEqualTo("dial");

        assertThat(client.sendNow(server.localDestination(), text("now"), text("?"))).isFalse();

        client.send(server.localDestination(), text("after"));
        assertThat(atServer.next().text()).isEqualTo("after");
    }

    @Test
    void whileAFullSocketLeavesBytesOverNothingIsTakenAndTheNextMessageKeepsItsPlace() throws Exception {
        ServerSocket listener = rawServer();
        TcpTransport client = client(new RecordingReceiver());
        Destination to = destinationOf(listener);
        client.send(to, text("dial"));
        Socket peer = closeLater(listener.accept()); // it reads nothing until the socket is full

        byte[] block = new byte[Frames.MAX_LENGTH - 1];
        new Random(2).nextBytes(block);
        int written = 0;
        boolean refused = false;
        // Loopback sockets hold a few MiB at most: far less than 4,000 blocks of 64 KiB.
        while (written < 4000 && !refused) {
            block[0] = (byte) written;
            if (client.sendNow(to, ByteBuffer.wrap(block, 0, 1), ByteBuffer.wrap(block, 1, block.length - 1))) {
                written++;
            } else {
                refused = true;
            }
        }
        assertThat(refused).as("refused once the socket was full").isTrue();
        client.send(to, text("last"));

        DataInputStream in = new DataInputStream(peer.getInputStream());
        assertThat(new String(frame(in), US_ASCII)).startsWith(Frames.HELLO_PREFIX);
        assertThat(new String(frame(in), US_ASCII)).isEqualTo("dial");
        for (int i = 0; i < written; i++) {
            byte[] got = frame(in);
            block[0] = (byte) i;
            assertThat(Arrays.equals(got, block)).as("block %d of %d, whole and in order", i, written).isTrue();
        }
        assertThat(new String(frame(in), US_ASCII)).as("after every block").isEqualTo("last");
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }
}
