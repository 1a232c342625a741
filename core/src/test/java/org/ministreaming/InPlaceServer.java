package org.ministreaming;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server for tests with no thread of its own: accepts ({@code acceptNow} on {@code onAcceptable})
 * and answers each connection's first byte with the next value, then closes it
 * ({@code readNow} and {@code writeNow} on {@code onReadable}), in callbacks run where they are
 * called. Thread-safe; stopped by closing the server socket.
 */
final class InPlaceServer {
    final AtomicInteger answered = new AtomicInteger();
    final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
    private final StreamServerSocket listening;

    InPlaceServer(StreamServerSocket listening) {
        this.listening = listening;
        listening.onAcceptable(Runnable::run, this::acceptAll);
    }

    private void acceptAll() {
        try {
            StreamSocket accepted;
            while ((accepted = listening.acceptNow()) != null) {
                StreamSocket socket = accepted;
                socket.onReadable(Runnable::run, () -> answer(socket));
            }
        } catch (IOException e) {
            if (!listening.isClosed()) {
                failures.add(e);
            }
            return;
        }
        listening.onAcceptable(Runnable::run, this::acceptAll);
    }

    private void answer(StreamSocket socket) {
        byte[] one = new byte[1];
        try {
            int read = socket.readNow(one, 0, 1);
            if (read == 0) {
                socket.onReadable(Runnable::run, () -> answer(socket));
                return;
            }
            if (read < 0 || socket.writeNow(new byte[] {(byte) (one[0] + 1)}, 0, 1) != 1) {
                throw new IOException(read < 0 ? "closed before its byte" : "no room for the answer");
            }
            answered.incrementAndGet();
        } catch (IOException e) {
            failures.add(e);
        }
        socket.close();
    }
}
