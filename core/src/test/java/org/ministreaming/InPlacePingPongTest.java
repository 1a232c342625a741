package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;

/**
 * Two sockets in memory that answer each other from readiness callbacks run in place: each byte
 * that arrives is read and the next one written back on the thread that delivered it, which in
 * memory hands it to the other side on the same thread. Many rounds must neither nest the two
 * sides' deliveries ever deeper (the stack would overflow) nor lose or reorder a byte.
 */
class InPlacePingPongTest {

    private static final int ROUNDS = 20_000;

    @Test
    void socketsThatAnswerEachOtherInPlaceGoManyRoundsInOrder() throws Exception {
        try (MemoryEndpoints endpoints = new MemoryEndpoints()) {
            StreamManager alice = endpoints.manager("alice", StreamOptions.builder());
            StreamManager bob = endpoints.manager("bob", StreamOptions.builder());
            StreamServerSocket server = bob.serverSocket();
            CompletableFuture<StreamSocket> accepted = Async.run(() -> server.accept(Await.LIMIT));
            StreamSocket aliceEnd = alice.connect(bob.localDestination());
            StreamSocket bobEnd = accepted.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            AtomicInteger rounds = new AtomicInteger();
            Answerer atAlice = new Answerer(aliceEnd, rounds, done);
            Answerer atBob = new Answerer(bobEnd, rounds, done);
            aliceEnd.onReadable(Runnable::run, atAlice::answer);
            bobEnd.onReadable(Runnable::run, atBob::answer);

            aliceEnd.getOutputStream().write(0);

            assertThat(done.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ROUNDS);
        }
    }

    /** Reads each byte, checks it is the one the round expects, and writes the next round's back. */
    private static final class Answerer {
        final StreamSocket socket;
        final AtomicInteger rounds;
        final CompletableFuture<Integer> done;

        Answerer(StreamSocket socket, AtomicInteger rounds, CompletableFuture<Integer> done) {
            this.socket = socket;
            this.rounds = rounds;
            this.done = done;
        }

        void answer() {
            byte[] one = new byte[1];
            try {
                int read;
                while ((read = socket.readNow(one, 0, 1)) == 1) {
                    int round = rounds.getAndIncrement();
                    if ((one[0] & 0xFF) != (round & 0xFF)) {
                        throw new IOException("round " + round + " got byte " + (one[0] & 0xFF));
                    }
                    if (round + 1 == ROUNDS) {
                        done.complete(round + 1);
                        return;
                    }
                    if (socket.writeNow(new byte[] {(byte) (round + 1)}, 0, 1) != 1) {
                        throw new IOException("no room for the answer of round " + round);
                    }
                }
                if (read == 0) {
                    socket.onReadable(Runnable::run, this::answer);
                }
            } catch (IOException | RuntimeException | StackOverflowError e) {
                done.completeExceptionally(e);
            }
        }
    }
}
