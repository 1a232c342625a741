package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under {@link OpenCloseBenchmark} on the in-memory transport: its exchange with the
 * protocol taken out and only the waits between threads left. The client puts a connection in a
 * backlog and waits for the accept (the SYN and its ACK), hands over one byte and waits for the
 * answer; the server's threads accept from the backlog, wait for the byte and answer: the same
 * threads as there ({@link AnsweringServer}, {@code shape}), each wait a
 * {@link CompletableFuture}, no messages, no close. Whatever implements the exchange behind
 * blocking calls makes at least these hand-offs, so its rate cannot pass this one's on the same
 * machine. Measured with 1 and with 8 client threads.
 */
@State(Scope.Benchmark)
public class HandOffFloorBenchmark extends ExchangeBenchmark {

    /** One connection's three waits: the accept, the client's byte, the server's answer. */
    static final class Exchange implements AutoCloseable {
        private final CompletableFuture<Void> accepted = new CompletableFuture<>();
        private final CompletableFuture<Integer> request = new CompletableFuture<>();
        private final CompletableFuture<Integer> answer = new CompletableFuture<>();

        /** Nothing to release: the floor has no close. */
        @Override
        public void close() {
        }
    }

    /** The server's threads ({@link AnsweringServer.Shape}): {@code pool} or {@code acceptors}. */
    @Param({"pool", "acceptors"})
    public String shape = "pool";

    private final BlockingQueue<Exchange> backlog = new LinkedBlockingQueue<>();
    private AnsweringServer<Exchange> answering;

    /** Starts the server's accept loop. */
    @Setup(Level.Trial)
    public void setUp() {
        answering = new AnsweringServer<>(AnsweringServer.Shape.named(shape), this::accept,
                exchange -> exchange.answer.complete(await(exchange.request) + 1));
    }

    /** Stops the server's threads. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        answering.stop(STALL);
    }

    @Override
    int exchange() throws IOException {
        Exchange exchange = new Exchange();
        backlog.add(exchange);
        await(exchange.accepted);
        exchange.request.complete(1);
        return await(exchange.answer);
    }

    private Exchange accept() throws IOException {
        Exchange next;
        try {
            next = backlog.poll(STALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the server was stopped");
        }
        if (next == null) {
            throw new SocketTimeoutException("no connection came");
        }
        next.accepted.complete(null);
        return next;
    }

    private static <T> T await(CompletableFuture<T> future) throws IOException {
        try {
            return future.get(STALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the other side did not answer", e);
        }
    }
}
