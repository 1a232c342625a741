package org.ministreaming.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small blocking HTTP/1.1 server for tests, written against {@link ServerSocket} and
 * {@link Socket} only: one thread per connection, keep-alive, {@code Content-Length} bodies.
 * <ul>
 *   <li>{@code GET /random?bytes=N&seed=S}: N bytes of {@link #seeded seeded random data};</li>
 *   <li>{@code POST /sha256}: the SHA-256 of the request body, in hex.</li>
 * </ul>
 * {@link #close()} closes the server socket and every connection and waits for their threads.
 */
public final class BlockingHttpServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /** Serves on {@code server} from now on. */
    public BlockingHttpServer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "test-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Requests received so far (counted before they are answered). */
    public int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread thread = new Thread(() -> serve(socket), "test-http-connection");
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        } catch (IOException closed) {
            // the server socket was closed
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            String requestLine;
            while ((requestLine = readLine(in)) != null) {
                Map<String, String> headers = readHeaders(in);
                boolean close = "close".equalsIgnoreCase(headers.get("connection"));
                requests.incrementAndGet();
                answer(requestLine, headers, in, out, close);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException ended) {
            // the client went away or the server closed
        } finally {
            open.remove(socket);
        }
    }

    private static void answer(String requestLine, Map<String, String> headers, InputStream in, OutputStream out,
            boolean close) throws IOException {
        String[] parts = requestLine.split(" ");
        String connection = close ? "close" : "keep-alive";
        if (parts.length == 3 && parts[0].equals("GET") && parts[1].startsWith("/random?")) {
            Map<String, String> query = query(parts[1].substring("/random?".length()));
            long bytes = Long.parseLong(query.get("bytes"));
            head(out, 200, "application/octet-stream", bytes, connection);
            seeded(Long.parseLong(query.get("seed")), bytes, out);
        } else if (parts.length == 3 && parts[0].equals("POST") && parts[1].equals("/sha256")) {
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            byte[] body = sha256Of(in, length).getBytes(StandardCharsets.US_ASCII);
            head(out, 200, "text/plain", body.length, connection);
            out.write(body);
        } else {
            byte[] body = ("no such resource: " + requestLine).getBytes(StandardCharsets.UTF_8);
            head(out, 404, "text/plain", body.length, connection);
            out.write(body);
        }
    }

    private static void head(OutputStream out, int status, String type, long length, String connection) throws IOException {
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\n"
                + "Content-Type: " + type + "\r\nContent-Length: " + length + "\r\nConnection: " + connection + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
    }

    private static Map<String, String> query(String query) {
        Map<String, String> values = new HashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return values;
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** One CRLF-ended line, or null at end of stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("line cut short");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Writes {@code bytes} random bytes drawn from {@code new Random(seed)} in 64 KiB blocks. */
    public static void seeded(long seed, long bytes, OutputStream out) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[65536];
        for (long left = bytes; left > 0; left -= block.length) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }

    /** The SHA-256, in hex, of what {@link #seeded} writes. */
    public static String seededSha256(long seed, long bytes) {
        MessageDigest digest = sha256();
        try {
            seeded(seed, bytes, new OutputStream() {
                @Override
                public void write(int b) {
                    digest.update((byte) b);
                }

                @Override
                public void write(byte[] source, int offset, int length) {
                    digest.update(source, offset, length);
                }
            });
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256, in hex, of the next {@code length} bytes of {@code in} (all of it if negative). */
    public static String sha256Of(InputStream in, long length) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[65536];
        long left = length < 0 ? Long.MAX_VALUE : length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (length < 0) {
                    break;
                }
                throw new EOFException(left + " of " + length + " bytes missing");
            }
            digest.update(buffer, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Closes the server socket and every connection, and waits for every thread it started. */
    @Override
    public void close() throws IOException {
        server.close();
        join(acceptor);
        open.forEach(socket -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        });
        for (Thread thread : threads) {
            join(thread);
        }
        if (acceptor.isAlive() || threads.stream().anyMatch(Thread::isAlive)) {
            throw new IllegalStateException("a thread of the HTTP server did not stop");
        }
    }

    /** Waits up to 30 s for {@code thread}; an interrupt ends the wait with the flag kept. */
    public static void join(Thread thread) throws InterruptedIOException {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + thread.getName());
        }
    }
}
