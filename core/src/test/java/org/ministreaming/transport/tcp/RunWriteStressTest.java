package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.RepeatedTest;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * Runs of messages sharing a header ({@link TcpTransport#sendNow(Destination, ByteBuffer, ByteBuffer, int)})
 * written by senders' threads on one plain link that other senders' threads and the loop (replies
 * to the peer's echoes) write too: each run is taken whole or not at all (a run not taken goes
 * piece by piece the usual way, as the engine sends it), and every sender's messages arrive
 * whole, once and in order, as do the loop's.
 */
class RunWriteStressTest extends TcpFixture {

    private static final int SENDERS = 4;
    private static final int RUNS = 150;
    /** Pieces are 4 bytes and up to this many more. */
    private static final int PIECE_BYTES = 20_000;

    @RepeatedTest(3)
    void runsFromManyThreadsAmongQueuedMessagesAndTheLoopsRepliesArriveWholeOnceAndInOrder() throws Exception {
        Map<String, List<String>> heard = new ConcurrentHashMap<>();
        AtomicInteger corrupt = new AtomicInteger();
        List<List<String>> expected = new ArrayList<>();
        List<Random> plans = new ArrayList<>();
        int total = 0;
        for (int s = 0; s < SENDERS; s++) {
            Random plan = new Random(s);
            List<String> mine = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                int pieces = 1 + plan.nextInt(4);
                plan.nextInt(PIECE_BYTES); // the piece's length, as the sender draws it
                for (int p = 0; p < pieces; p++) {
                    mine.add(r + "." + p);
                }
            }
            expected.add(mine);
            plans.add(new Random(s));
            total += mine.size();
        }
        CountDownLatch all = new CountDownLatch(2 * total); // every piece, then one loop reply per echo
        TcpTransport[] server = new TcpTransport[1];
        server[0] = started(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(128 * 1024), receiver((from, message) -> {
            String who = "s" + message.getInt(message.position());
            boolean loop = message.getInt(message.position() + 4) < 0;
            String label = loop ? "loop" + message.getInt(message.position() + 8) : heardPiece(message, corrupt);
            heard.computeIfAbsent(loop ? "loop" + who : who, k -> new CopyOnWriteArrayList<>()).add(loop ? label.substring(4) : label);
            if (!loop) {
                server[0].reply(from, ByteBuffer.wrap(copyOf(message, 16)).asReadOnlyBuffer());
            }
            all.countDown();
        }));
        TcpTransport[] client = new TcpTransport[1];
        AtomicInteger echoes = new AtomicInteger();
        client[0] = started(TcpTransport.plain().sendQueueBytes(128 * 1024), receiver((from, echo) -> {
            // Written by the loop, on the link the senders' threads write too: sender, -1, echo count.
            ByteBuffer reply = ByteBuffer.allocate(12).putInt(echo.getInt(echo.position())).putInt(-1).putInt(echoes.getAndIncrement()).flip();
            client[0].reply(from, reply.asReadOnlyBuffer());
        }));
        Destination to = server[0].localDestination();
        AtomicInteger runsTaken = new AtomicInteger();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            Random plan = plans.get(s);
            work.add(Async.run(() -> {
                for (int r = 0; r < RUNS; r++) {
                    sendRun(client[0], to, sender, r, 1 + plan.nextInt(4), 4 + plan.nextInt(PIECE_BYTES), runsTaken);
                }
                return null;
            }));
        }
        for (CompletableFuture<Void> done : work) {
            assertThat(done).succeedsWithin(Await.LIMIT);
        }

        assertThat(all.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("every piece and every loop reply arrived").isTrue();
        assertThat(corrupt).as("pieces that arrived cut or mixed").hasValue(0);
        assertThat(runsTaken).as("runs written at once").hasPositiveValue();
        for (int s = 0; s < SENDERS; s++) {
            assertThat(heard.get("s" + s)).as("s%d's pieces, each once and in order", s).containsExactlyElementsOf(expected.get(s));
            assertThat(heard.get("loops" + s).stream().map(Integer::parseInt).toList()).as("the loop's replies for s%d, in order", s).isSorted();
        }
    }

    /**
     * One run of {@code pieces} messages: a 16-byte header (sender, run, piece length, 0) and
     * pieces that each begin with their index; offered as a run, else sent piece by piece.
     */
    private static void sendRun(TcpTransport client, Destination to, int sender, int run, int pieces, int pieceBytes, AtomicInteger taken)
            throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16).putInt(sender).putInt(run).putInt(pieceBytes).putInt(0).flip();
        byte[] payload = new byte[pieces * pieceBytes];
        for (int p = 0; p < pieces; p++) {
            for (int i = 0; i < pieceBytes; i++) {
                payload[p * pieceBytes + i] = i < 4 ? (byte) (p >>> (24 - 8 * i)) : (byte) (i * 31 + run + p);
            }
        }
        int sent = client.sendNow(to, header, ByteBuffer.wrap(payload), pieceBytes);
        if (sent == payload.length) {
            taken.incrementAndGet();
        }
        for (int from = sent; from < payload.length; from += pieceBytes) {
            ByteBuffer message = ByteBuffer.allocate(16 + pieceBytes).put(header.duplicate()).put(payload, from, pieceBytes).flip();
            client.send(to, message.asReadOnlyBuffer());
        }
    }

    /** A piece's label, {@code run.piece}; counts it as corrupt if its length or bytes are not those it was sent with. */
    private static String heardPiece(ByteBuffer message, AtomicInteger corrupt) {
        int at = message.position();
        int run = message.getInt(at + 4);
        int pieceBytes = message.getInt(at + 8);
        int piece = message.getInt(at + 16);
        boolean whole = message.remaining() == 16 + pieceBytes;
        for (int i = 4; whole && i < pieceBytes; i++) {
            whole = message.get(at + 16 + i) == (byte) (i * 31 + run + piece);
        }
        if (!whole) {
            corrupt.incrementAndGet();
        }
        return run + "." + piece;
    }

    private static byte[] copyOf(ByteBuffer message, int length) {
        byte[] bytes = new byte[length];
        message.get(message.position(), bytes);
        return bytes;
    }

    private static Transport.Receiver receiver(BiConsumer<Destination, ByteBuffer> onMessage) {
        return new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                onMessage.accept(from, message);
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        };
    }
}
