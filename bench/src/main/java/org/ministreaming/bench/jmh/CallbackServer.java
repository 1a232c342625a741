package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;

/**
 * The server side of {@link OpenCloseBenchmark} without threads of its own ({@code shape=events}):
 * it takes connections with {@link StreamServerSocket#acceptNow} when
 * {@link StreamServerSocket#onAcceptable} says, and answers each (reads the client's byte, writes
 * 2, closes) with {@link StreamSocket#readNow} and {@link StreamSocket#writeNow} when
 * {@link StreamSocket#onReadable} says, all on the thread that delivers the news (an executor
 * that runs the callbacks where they are called).
 *
 * <p>Thread-safe: started by its constructor, stopped by closing the server socket.
 */
final class CallbackServer {

    private static final Executor IN_PLACE = Runnable::run;

    private final StreamServerSocket listening;
    /** The first failure of an answer, for {@link #checkNoFailure}. */
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /** Starts taking connections from {@code listening}. */
    CallbackServer(StreamServerSocket listening) {
        this.listening = listening;
        listening.onAcceptable(IN_PLACE, this::acceptAll);
    }

    /** Throws the first failure of an answer, if there was one. */
    void checkNoFailure() {
        Exception first = failure.get();
        if (first != null) {
            throw new IllegalStateException("the server's side of an exchange failed", first);
        }
    }

    private void acceptAll() {
        try {
            StreamSocket accepted;
            while ((accepted = listening.acceptNow()) != null) {
                StreamSocket socket = accepted;
                socket.onReadable(IN_PLACE, () -> answer(socket));
            }
        } catch (IOException e) {
            if (listening.isClosed()) {
                return;
            }
            failure.compareAndSet(null, e);
        }
        listening.onAcceptable(IN_PLACE, this::acceptAll);
    }

    private void answer(StreamSocket socket) {
        byte[] one = new byte[1];
        try {
            int read = socket.readNow(one, 0, 1);
            if (read == 0) {
                socket.onReadable(IN_PLACE, () -> answer(socket));
                return;
            }
            if (read < 0) {
                throw new IOException("the peer closed before its byte");
            }
            if (socket.writeNow(new byte[] {2}, 0, 1) != 1) {
                throw new IOException("no credit or room for a 1-byte answer");
            }
        } catch (IOException e) {
            failure.compareAndSet(null, e);
        }
        socket.close();
    }
}
