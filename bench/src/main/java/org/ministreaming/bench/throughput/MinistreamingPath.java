package org.ministreaming.bench.throughput;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * Ministreaming over the TCP transport: a listening manager and a client manager in this
 * process, on 127.0.0.1, one link between them carrying every stream. Not thread-safe (one
 * transfer at a time, as {@link Path} says).
 */
public final class MinistreamingPath implements Path {

    private final StreamManager server;
    private final StreamManager client;
    private final StreamServerSocket listening;

    /**
     * Starts both managers.
     *
     * @param base the managers' options, such as the flow-control window; the timeouts are set here
     * @throws IOException if a manager cannot start or listen
     */
    public MinistreamingPath(StreamOptions.Builder base) throws IOException {
        StreamOptions options = base
                .connectTimeout(Tasks.STALL_TIMEOUT).acceptTimeout(Tasks.STALL_TIMEOUT)
                .readTimeout(Tasks.STALL_TIMEOUT).writeTimeout(Tasks.STALL_TIMEOUT).build();
        server = StreamManager.open(TcpTransport.plain().listen("tcp://127.0.0.1:0").build(), options);
        StreamManager opened = null;
        try {
            opened = StreamManager.open(TcpTransport.plain().build(), options);
            listening = server.serverSocket();
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            server.close();
            throw e;
        }
        client = opened;
    }

    @Override
    public String name() {
        return "ministreaming";
    }

    @Override
    public List<Stream> open(int count) throws IOException {
        ExecutorService acceptor = Executors.newSingleThreadExecutor(Tasks.named("bench-accept"));
        List<StreamSocket> clients = new ArrayList<>();
        try {
            Future<List<StreamSocket>> accepted = acceptor.submit(() -> {
                List<StreamSocket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < count; i++) {
                        sockets.add(listening.accept(Tasks.STALL_TIMEOUT));
                    }
                } catch (IOException e) {
                    sockets.forEach(StreamSocket::close);
                    throw e;
                }
                return sockets;
            });
            for (int i = 0; i < count; i++) {
                clients.add(client.connect(server.localDestination()));
            }
            List<StreamSocket> servers = accepted.get(Tasks.STALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                StreamSocket from = clients.get(i);
                StreamSocket to = servers.get(i);
                streams.add(new Stream(from.getOutputStream(), to.getInputStream(), from::close, to::close));
            }
            return streams;
        } catch (IOException | RuntimeException e) {
            clients.forEach(StreamSocket::close);
            throw e;
        } catch (ExecutionException e) {
            clients.forEach(StreamSocket::close);
            throw Tasks.asIoException(e.getCause());
        } catch (TimeoutException e) {
            clients.forEach(StreamSocket::close);
            throw new IOException("accepting " + count + " streams took longer than " + Tasks.STALL_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clients.forEach(StreamSocket::close);
            throw new InterruptedIOException("interrupted while connecting");
        } finally {
            Tasks.stop(acceptor);
        }
    }

    @Override
    public void close() {
        try (server) {
            client.close();
        }
    }
}
