package org.ministreaming.bench;

import java.io.IOException;

/**
 * Measures a {@link StreamPath}. Its {@link PathServer} serves each connection as the current
 * measurement says.
 */
final class StreamContender implements Contender {

    private final StreamPath path;
    private final PathServer server;
    private volatile PathServer.Handler handler = StreamContender::reply;

    private StreamContender(StreamPath path) {
        this.path = path;
        this.server = PathServer.start(path, "bench", link -> handler.serve(link));
    }

    /** Starts serving {@code path}'s server side; closing the contender closes the path. */
    static StreamContender start(StreamPath path) {
        return new StreamContender(path);
    }

    @Override
    public String name() {
        return path.name();
    }

    @Override
    public long connectNanos() throws Exception {
        handler = StreamContender::reply;
        long start = System.nanoTime();
        Link link = path.connect();
        try {
            awaitReply(link);
            return System.nanoTime() - start;
        } finally {
            server.closeLater(link);
        }
    }

    @Override
    public long transferNanos(long bytes) throws Exception {
        handler = link -> {
            Payload.read(link.in(), bytes);
            reply(link);
        };
        Link link = path.connect();
        try {
            long start = System.nanoTime();
            Payload.write(link.out(), bytes);
            awaitReply(link);
            return System.nanoTime() - start;
        } finally {
            server.closeLater(link);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void awaitReply(Link link) throws IOException {
        int reply;
        try {
            reply = link.in().read();
        } catch (IOException e) {
            throw server.withFailures(e);
        }
        if (reply != 1) {
            throw server.withFailures(new IOException(path.name() + ": the server's 1-byte reply did not arrive (read " + reply + ")"));
        }
    }

    private static void reply(Link link) throws IOException {
        link.out().write(1);
        link.out().flush();
    }
}
