package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;

/**
 * {@link TcpTransport#sendNow}: a message written at once on the caller's thread, from the
 * caller's buffers, when the link to the peer is a plain one that nobody else writes with nothing
 * queued or left over; otherwise nothing is taken, so that a message the caller then sends the
 * usual way keeps its place. What is taken is never read from the caller's buffers afterwards. A
 * run of messages sharing a header is written the same way, all of it in one write buffer, or not
 * taken.
 */
class TcpSendNowTest extends TcpFixture {

    @Test
    void onAnIdlePlainLinkTheMessageIsWrittenAtOnceAndItsBuffersAreTheCallersAgain() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport client = client(new RecordingReceiver());
        Destination to = dialled(client, atServer);

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
    void aRunIsWrittenAtOnceAsMessagesOfTheSharedHeaderAndOnePieceEachInOrderOrNotTakenIfItOutgrowsAWrite() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport client = client(new RecordingReceiver());
        Destination to = dialled(client, atServer);
        byte[] header = {(byte) 0xA0, 1, 2, 3};
        byte[] payload = new byte[4 * 32768 + 100];
        new Random(3).nextBytes(payload);

        // The loop may still hold the link for a moment after the dial's message went (then nothing is taken): try until it is idle.
        int[] taken = new int[1];
        Await.until("an idle plain link takes the run", () -> (taken[0] = client.sendNow(to, ByteBuffer.wrap(header),
                ByteBuffer.wrap(payload, 50, payload.length - 50), 32768)) != 0);
        byte[] written = payload.clone();
        Arrays.fill(payload, (byte) 0xEE); // the caller's again: the peer must not see this
        byte[] tooLong = new byte[client.loop().buffers().size()];
        int tooLongTaken = client.sendNow(to, ByteBuffer.wrap(header), ByteBuffer.wrap(tooLong), 32768);
        client.send(to, text("after"));

        assertThat(taken[0]).as("an idle plain link takes the whole run, not part of it").isEqualTo(payload.length - 50);
        assertThat(tooLongTaken).as("a run longer than a write buffer: none of it").isZero();
        for (int from = 50; from < written.length; from += 32768) {
            byte[] expected = new byte[header.length + Math.min(32768, written.length - from)];
            System.arraycopy(header, 0, expected, 0, header.length);
            System.arraycopy(written, from, expected, header.length, expected.length - header.length);
            assertThat(atServer.next().bytes()).as("the piece from %d, in its place", from).isEqualTo(expected);
        }
        assertThat(atServer.next().text()).as("after the run, and nothing of the refused one").isEqualTo("after");
        assertThat(client.sendNow(to, ByteBuffer.wrap(header), ByteBuffer.allocate(0), 32768)).as("an empty run: no piece").isZero();
        assertThatThrownBy(() -> client.sendNow(to, ByteBuffer.wrap(header), ByteBuffer.wrap(written), 0)).isInstanceOf(IllegalArgumentException.class);
        client.send(to, text("last"));
        assertThat(atServer.next().text()).as("nothing sent for the empty run or the bad piece").isEqualTo("last");
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
        // The first block waits until the loop has let go of the link after the hello and the dial's
        // message; from then on only a full socket makes the link refuse.
        block[0] = 0;
        Await.until("the link takes a first block", () -> client.sendNow(to, ByteBuffer.wrap(block, 0, 1), ByteBuffer.wrap(block, 1, block.length - 1)));
        int written = 1;
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

    /** A listening transport that hears on {@code atServer}, with a plain link from {@code client} to it open. */
    /** A receiver run by the loop sends in place: nothing is written through; what it queues goes out once the round's reading is done, in order. */
    @Test
    void onTheLoopsOwnThreadNothingIsWrittenThroughAndWhatIsQueuedGoesOutInOrder() throws Exception {
        AtomicReference<TcpTransport> self = new AtomicReference<>();
        List<Boolean> takenNow = new java.util.concurrent.CopyOnWriteArrayList<>();
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                takenNow.add(self.get().sendNow(from, text("written through"), Frames.EMPTY));
                self.get().reply(from, text("first"));
                self.get().reply(from, text("second"));
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        self.set(server);
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = client(atClient);

        for (int i = 0; i < 3; i++) {
            client.send(server.localDestination(), text("ask " + i));
            assertThat(atClient.next().text()).isEqualTo("first");
            assertThat(atClient.next().text()).isEqualTo("second");
        }

        assertThat(takenNow).containsExactly(false, false, false);
    }

    /** A receiver that answers and then closes its own transport, on the loop's thread: the answer goes before the link ends. */
    @Test
    void whatTheLoopsThreadQueuedBeforeClosingItsTransportIsSent() throws Exception {
        AtomicReference<TcpTransport> self = new AtomicReference<>();
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                self.get().reply(from, text("bye"));
                self.get().close();
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        self.set(server);
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport client = client(atClient);

        client.send(server.localDestination(), text("close now"));

        assertThat(atClient.next().text()).isEqualTo("bye");
        assertThat(atClient.next().isLoss()).isTrue();
        // Closed on its own thread, the server's loop ends after that round, on its own.
        ThreadLeaks.awaitNoneLeft("ministreaming-tcp-links-" + server.localDestination());
    }

    private Destination dialled(TcpTransport client, RecordingReceiver atServer) throws Exception {
        Destination to = listening(atServer).localDestination();
        client.send(to, text("dial"));
        assertThat(atServer.next().text()).isEqualTo("dial");
        return to;
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }
}
