package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.LendingTransport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;

/**
 * A transport that lends what it receives ({@link org.ministreaming.transport.Transport.Receiver#onLentMessage})
 * gets every loan back, and the engine reads no loan after giving it back: the
 * {@link LendingTransport} scribbles over given-back memory, so a late read would show in the data.
 */
class LentPayloadsTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final LendingTransport atClient = new LendingTransport(network.endpoint("client"));
    private final LendingTransport atServer = new LendingTransport(network.endpoint("server"));

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void bytesLentToTheEngineReadBackAsWrittenAndEveryLoanComesBackOnce() throws Exception {
        StreamSocket[] pair = connect(StreamOptions.builder());
        byte[] sent = random(new Random(1), 3 << 20);
        CompletableFuture<Void> writing = Async.run(() -> {
            writeInPieces(pair[0].getOutputStream(), sent, new Random(2));
            pair[0].close();
            return null;
        });

        byte[] read = readInPieces(pair[1].getInputStream(), new Random(3));
        writing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        pair[1].close();

        assertThat(read).isEqualTo(sent);
        assertThat(atServer.lender().lent()).as("the data came lent").isGreaterThan(sent.length / 40_000);
        Await.until("every loan given back", () -> atServer.lender().outstanding() == 0 && atClient.lender().outstanding() == 0);
        assertThat(atServer.lender().givenBackAgain() + atClient.lender().givenBackAgain()).isZero();
    }

    @Test
    void bytesNobodyReadsAreGivenBackWhenTheReaderCloses() throws Exception {
        StreamSocket[] pair = connect(StreamOptions.builder());
        pair[0].getOutputStream().write(random(new Random(4), 100_000));
        Await.until("all of it buffered at the server", () -> available(pair[1]) == 100_000);
        assertThat(atServer.lender().outstanding()).as("held by the receive buffer").isPositive();

        pair[1].close();
        assertThat(atServer.lender().outstanding()).isZero();
        assertThat(atServer.lender().givenBackAgain()).isZero();
    }

    @Test
    void bytesBufferedBeforeThePeerIsLostAreReadIntactThenGivenBack() throws Exception {
        StreamSocket[] pair = connect(StreamOptions.builder());
        byte[] sent = random(new Random(5), 50_000);
        pair[0].getOutputStream().write(sent);
        Await.until("all of it buffered at the server", () -> available(pair[1]) == sent.length);

        network.cut(atClient.localDestination(), atServer.localDestination());
        InputStream in = pair[1].getInputStream();
        assertThat(in.readNBytes(sent.length)).isEqualTo(sent);
        assertThatThrownBy(in::read).isInstanceOf(PeerLostException.class);
        assertThat(atServer.lender().outstanding()).isZero();
        assertThat(atServer.lender().givenBackAgain()).isZero();
    }

    @Test
    void aReadinessCallbackThatFailsOnTheReceivePathCostsNoLentBytes() throws Exception {
        StreamSocket[] pair = connect(StreamOptions.builder());
        AtomicInteger calls = new AtomicInteger();
        pair[1].onReadable(Runnable::run, () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a defect in the application's callback");
        });
        byte[] sent = random(new Random(7), 50_000);
        pair[0].getOutputStream().write(sent);

        assertThat(pair[1].getInputStream().readNBytes(sent.length)).isEqualTo(sent);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(atServer.lender().outstanding()).isZero();
        assertThat(atServer.lender().givenBackAgain()).isZero();
    }

    @Test
    void aListenerSeesPayloadsThatStayIntactAfterTheirLoansCameBack() throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        List<Packet> packets = new ArrayList<>();
        MessageListener keeper = new MessageListener() {
            @Override
            public synchronized void received(Destination from, Packet packet) {
                packets.add(packet);
            }
        };
        StreamSocket[] pair = connect(StreamOptions.builder().messageListener(keeper));
        byte[] sent = random(new Random(6), 300_000);
        CompletableFuture<Void> writing = Async.run(() -> {
            pair[0].getOutputStream().write(sent);
            return null;
        });
        byte[] read = pair[1].getInputStream().readNBytes(sent.length);
        writing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Await.until("every loan given back", () -> atServer.lender().outstanding() == 0);

        synchronized (keeper) {
            for (Packet packet : packets) {
                if (packet instanceof Message message && message.type() == MessageType.CLIENT_DATA) {
                    byte[] payload = new byte[message.payload().remaining()];
                    message.payload().duplicate().get(payload);
                    seen.writeBytes(payload);
                }
            }
        }
        assertThat(read).isEqualTo(sent);
        assertThat(seen.toByteArray()).as("what the listener kept, read after every loan came back").isEqualTo(sent);
    }

    private StreamSocket[] connect(StreamOptions.Builder options) throws Exception {
        StreamManager client = manager(atClient, options);
        StreamManager server = manager(atServer, options);
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Await.LIMIT));
        StreamSocket opened = client.connect(server.localDestination());
        StreamSocket[] pair = {opened, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
        assertThat(atServer.lender().outstanding() + atClient.lender().outstanding()).as("nothing of the handshake kept lent").isZero();
        return pair;
    }

    private StreamManager manager(LendingTransport transport, StreamOptions.Builder options) throws IOException {
        StreamManager manager = StreamManager.open(transport, options.readTimeout(Await.LIMIT).writeTimeout(Await.LIMIT).build());
        toClose.add(manager);
        return manager;
    }

    private static int available(StreamSocket socket) {
        try {
            return socket.getInputStream().available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] random(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void writeInPieces(OutputStream out, byte[] bytes, Random random) throws IOException {
        for (int at = 0; at < bytes.length;) {
            int piece = Math.min(bytes.length - at, 1 + random.nextInt(80_000));
            out.write(bytes, at, piece);
            at += piece;
        }
    }

    private static byte[] readInPieces(InputStream in, Random random) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[70_000];
        int n;
        while ((n = in.read(buffer, 0, 1 + random.nextInt(buffer.length))) >= 0) {
            read.write(buffer, 0, n);
        }
        return read.toByteArray();
    }
}
