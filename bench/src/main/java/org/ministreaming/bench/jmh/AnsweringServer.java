package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the open-and-close benchmarks, over whatever sockets: one thread accepts, and
 * a pool of {@value #THREADS} answers each connection (reads the client's byte, writes 2, closes).
 *
 * <p>Thread-safe: started by its constructor, stopped once by {@link #stop}.
 *
 * @param <S> the accepted sockets
 */
final class AnsweringServer<S extends AutoCloseable> {

    /** Threads that answer. */
    static final int THREADS = 8;

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

    private final ExecutorService acceptor = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "bench-accept"));
    private final ExecutorService answering = Executors.newFixedThreadPool(THREADS, runnable -> new Thread(runnable, "bench-answer"));
    private final Listener<S> listener;
    private final Answer<S> answer;

    /** Starts accepting from {@code listener} and answering with {@code answer}. */
    AnsweringServer(Listener<S> listener, Answer<S> answer) {
        this.listener = listener;
        this.answer = answer;
        acceptor.submit(this::acceptLoop);
    }

    /** Stops the threads, once the listening socket is closed, waiting up to {@code wait}. */
    void stop(Duration wait) throws InterruptedException {
        acceptor.shutdownNow();
        answering.shutdownNow();
        if (!acceptor.awaitTermination(wait.toSeconds(), TimeUnit.SECONDS)
                || !answering.awaitTermination(wait.toSeconds(), TimeUnit.SECONDS)) {
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
            answering.execute(() -> serve(accepted));
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
