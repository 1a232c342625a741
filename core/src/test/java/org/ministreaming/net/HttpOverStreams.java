package org.ministreaming.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.time.Duration;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.ministreaming.StreamManager;

/**
 * OkHttp, unchanged, talking to a {@link BlockingHttpServer} through the java.net adapters: the
 * server runs on a {@link ServerSocketAdapter} of one manager, and OkHttp's sockets come from a
 * {@link DestinationSocketFactory} of another that maps {@code localhost:8080} to the server's
 * destination. (OkHttp looks the host name up before it asks the factory for a socket; the name
 * {@code localhost} needs no network to look up, and the factory then dials by that name.)
 */
public final class HttpOverStreams implements AutoCloseable {

    /** The URL prefix the client asks for. */
    public static final String BASE = "http://localhost:8080";

    private final BlockingHttpServer server;
    private final OkHttpClient client;

    /** Starts the server on {@code serverManager} and a client on {@code clientManager}. */
    public HttpOverStreams(StreamManager serverManager, StreamManager clientManager, Duration readTimeout) throws IOException {
        this.server = new BlockingHttpServer(new ServerSocketAdapter(serverManager));
        this.client = new OkHttpClient.Builder()
                .socketFactory(DestinationSocketFactory.mapped(clientManager,
                        Map.of("localhost:8080", serverManager.localDestination())))
                .proxy(Proxy.NO_PROXY)
                .readTimeout(readTimeout)
                .writeTimeout(readTimeout)
                .build();
    }

    /** The server. */
    public BlockingHttpServer server() {
        return server;
    }

    /** The client. */
    public OkHttpClient client() {
        return client;
    }

    /** GETs {@code bytes} seeded random bytes and returns the SHA-256 of the body received. */
    public String download(long bytes, long seed) throws IOException {
        Request request = new Request.Builder().url(BASE + "/random?bytes=" + bytes + "&seed=" + seed).build();
        try (Response response = client.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IOException("status " + response.code());
            }
            try (InputStream body = response.body().byteStream()) {
                return BlockingHttpServer.sha256Of(body, -1);
            }
        }
    }

    /** POSTs {@code bytes} seeded random bytes; returns the SHA-256 the server computed of them. */
    public String upload(long bytes, long seed) throws IOException {
        RequestBody body = new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/octet-stream");
            }

            @Override
            public long contentLength() {
                return bytes;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                BlockingHttpServer.seeded(seed, bytes, sink.outputStream());
            }
        };
        Request request = new Request.Builder().url(BASE + "/sha256").post(body).build();
        try (Response response = client.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IOException("status " + response.code());
            }
            return response.body().string();
        }
    }

    /** Closes OkHttp's pooled connections and its dispatcher, then the server. */
    @Override
    public void close() throws IOException {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        server.close();
    }
}
