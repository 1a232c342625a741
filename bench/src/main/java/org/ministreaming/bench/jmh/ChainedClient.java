package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.Destination;

/**
 * The client side of {@link ChainedOpenCloseBenchmark}: runs of exchanges with a server that
 * answers each byte with 2 and closes ({@link CallbackServer}), one after another, without a thread
 * of its own: {@link StreamManager#connectAsync} opens an exchange, the connected socket writes its
 * byte with {@link StreamSocket#writeNow}, {@link StreamSocket#onReadable} says when the answer
 * came, and the callback that read it closes the socket and opens the next exchange, all on the
 * thread that delivers the news (the transport's).
 *
 * <p>One run at a time: {@link #run} is not to be called again before it returned.
 */
final class ChainedClient {

    private static final Executor IN_PLACE = Runnable::run;

    private final StreamManager client;
    private final Destination server;

    ChainedClient(StreamManager client, Destination server) {
        this.client = client;
        this.server = server;
    }

    /**
     * Runs {@code exchanges} exchanges one after another and waits for the last.
     *
     * @return how many were done: {@code exchanges}
     * @throws IllegalStateException if one failed or the run took longer than {@code stall}
     */
    int run(int exchanges, Duration stall) throws InterruptedException {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        open(exchanges, exchanges, done);
        try {
            return done.get(stall.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("an exchange failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a run of " + exchanges + " exchanges took more than " + stall);
        }
    }

    private void open(int left, int all, CompletableFuture<Integer> done) {
        if (left == 0) {
            done.complete(all);
            return;
        }
        client.connectAsync(server).whenComplete((socket, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
                return;
            }
            try {
                if (socket.writeNow(new byte[] {1}, 0, 1) != 1) {
                    throw new IOException("no credit or room for a 1-byte request");
                }
                socket.onReadable(IN_PLACE, () -> answered(socket, left, all, done));
            } catch (IOException e) {
                socket.close();
                done.completeExceptionally(e);
            }
        });
    }

    private void answered(StreamSocket socket, int left, int all, CompletableFuture<Integer> done) {
        byte[] one = new byte[1];
        try {
            int read = socket.readNow(one, 0, 1);
            if (read == 0) {
                socket.onReadable(IN_PLACE, () -> answered(socket, left, all, done));
                return;
            }
            if (read < 0 || one[0] != 2) {
                throw new IOException(read < 0 ? "the server closed before its answer" : "the server answered " + one[0]);
            }
        } catch (IOException e) {
            socket.close();
            done.completeExceptionally(e);
            return;
        }
        socket.close();
        open(left - 1, all, done);
    }
}
