package org.ministreaming;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends or receives a fixed number of bytes on one socket with {@link StreamSocket#writeNow} and
 * {@link StreamSocket#readNow} only, going on from each readiness callback on a shared executor,
 * in pieces of random sizes: if a wake-up were lost, the transfer would stop and its future would
 * never complete. Thread-safe: one step runs at a time, as each is started by the callback the
 * step before registered.
 */
final class NonBlockingCopy {

    private final StreamSocket socket;
    private final Executor executor;
    private final Random random;
    private byte[] bytes;
    private int done;
    private final CompletableFuture<byte[]> outcome = new CompletableFuture<>();

    NonBlockingCopy(StreamSocket socket, Executor executor, Random random) {
        this.socket = socket;
        this.executor = executor;
        this.random = random;
    }

    /** Sends {@code data}; completes once all of it was handed over, then closes the socket. */
    CompletableFuture<byte[]> send(byte[] data) {
        bytes = data;
        executor.execute(this::sendSome);
        return outcome;
    }

    /** Receives {@code length} bytes and then the end; completes with them. */
    CompletableFuture<byte[]> receive(int length) {
        bytes = new byte[length];
        executor.execute(this::receiveSome);
        return outcome;
    }

    private synchronized void sendSome() {
        try {
            while (done < bytes.length) {
                int n = socket.writeNow(bytes, done, Math.min(bytes.length - done, 1 + random.nextInt(40_000)));
                if (n == 0) {
                    socket.onWritable(executor, this::sendSome);
                    return;
                }
                done += n;
            }
            socket.close();
            outcome.complete(bytes);
        } catch (IOException | RuntimeException e) {
            outcome.completeExceptionally(e);
        }
    }

    private synchronized void receiveSome() {
        try {
            byte[] spare = new byte[1];
            while (true) {
                int n = done < bytes.length
                        ? socket.readNow(bytes, done, Math.min(bytes.length - done, 1 + random.nextInt(20_000)))
                        : socket.readNow(spare, 0, 1);
                if (n < 0) {
                    outcome.complete(done == bytes.length ? bytes : Arrays.copyOf(bytes, done));
                    return;
                }
                if (n == 0) {
                    socket.onReadable(executor, this::receiveSome);
                    return;
                }
                if (done == bytes.length) {
                    throw new IOException("more bytes than were sent");
                }
                done += n;
            }
        } catch (IOException | RuntimeException e) {
            outcome.completeExceptionally(e);
        }
    }
}
