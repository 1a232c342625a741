package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the open-and-close benchmarks, over whatever sockets, in one of two
 * {@linkplain Shape shapes}: one thread accepts and a pool of {@value #THREADS} answers each
 * connection (reads the client's byte, writes 2, closes), or {@value #THREADS} threads each accept
 * and answer.
 *
 * <p>Thread-safe: started by its constructor, stopped once by {@link #stop}.
 *
 * @param <S> the accepted sockets
 */
final class AnsweringServer<S extends AutoCloseable> {

    /** Threads that answer. */
    static final int THREADS = 8;

    /** Which threads accept and which answer. */
    enum Shape {
        /** One thread accepts and hands each connection to a pool of {@value #THREADS} that answers. */
        POOL,
        /** {@value #THREADS} threads each accept a connection and answer it themselves. */
        ACCEPTORS;

        /** The shape a benchmark's {@code shape} parameter names: {@code pool} or {@code acceptors}. */
        static Shape named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** Accepts the next connection. */
    interface Listener<S> {
        /**
         * @return the next connection
         * @throws SocketTimeoutException if none came for a while: the server goes on waiting
         * @throws SocketException once the listening socket is closed, or
         *     {@link InterruptedIOException} once the server is stopped: the server stops accepting
         */
        S accept() throws IOException;
    }

    /** Answers one accepted connection, which the server closes afterwards. */
    interface Answer<S> {
        void answer(S socket) throws IOException;
    }

    private final ExecutorService acceptor;
    /** The pool that answers, or {@code null} when the accepting threads answer. */
    private final ExecutorService answering;
    private final Listener<S> listener;
    private final Answer<S> answer;

    /** Starts accepting from {@code listener} and answering with {@code answer}, in the given shape. */
    AnsweringServer(Shape shape, Listener<S> listener, Answer<S> answer) {
        this.listener = listener;
        this.answer = answer;
        int accepting = shape == Shape.POOL ? 1 : THREADS;
        acceptor = Executors.newFixedThreadPool(accepting, runnable -> new Thread(runnable, "bench-accept"));
        answering = shape == Shape.POOL ? Executors.newFixedThreadPool(THREADS, runnable -> new Thread(runnable, "bench-answer")) : null;
        for (int i = 0; i < accepting; i++) {
            acceptor.submit(this::acceptLoop);
        }
    }

    /** Stops the threads, once the listening socket is closed, waiting up to {@code wait}. */
    void stop(Duration wait) throws InterruptedException {
        acceptor.shutdownNow();
        if (answering != null) {
            answering.shutdownNow();
        }
        if (!acceptor.awaitTermination(wait.toSeconds(), TimeUnit.SECONDS)
                || answering != null && !answering.awaitTermination(wait.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server's threads did not stop");
        }
    }

    /** Reads one byte, failing if the peer closed first. */
    static int expectByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("the peer closed before its byte");
        }
        return b;
    }

    private Void acceptLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            S accepted;
            try {
                accepted = listener.accept();
            } catch (SocketTimeoutException idle) {
                continue;
            } catch (SocketException | InterruptedIOException closedOrStopped) {
                return null;
            } catch (IOException e) {
                continue;
            }
            if (answering == null) {
                serve(accepted);
            } else {
                answering.execute(() -> serve(accepted));
            }
        }
        return null;
    }

    private void serve(S socket) {
        try (socket) {
            answer.answer(socket);
        } catch (Exception e) {
            throw new IllegalStateException("the server's side of an exchange failed", e);
        }
    }
}
