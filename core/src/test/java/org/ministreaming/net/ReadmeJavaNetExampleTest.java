package org.ministreaming.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.ministreaming.ReadmeSnippets;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.memory.MemoryNetwork;

/** The README's java.net examples, compiled and run here. */
class ReadmeJavaNetExampleTest {

    @Test
    void theEchoExampleWorks() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        Thread echo;
        try (StreamManager server = StreamManager.open(network.endpoint("server"));
             StreamManager client = StreamManager.open(network.endpoint("client"))) {
            // README java.net begin
            ServerSocket serverSocket = new ServerSocketAdapter(server);      // a java.net.ServerSocket
            SocketFactory factory = DestinationSocketFactory.fixed(client, server.localDestination());

            echo = new Thread(() -> {
                try (Socket accepted = serverSocket.accept()) {
                    accepted.getInputStream().transferTo(accepted.getOutputStream());
                } catch (IOException e) {
                    System.err.println("echo ended: " + e.getMessage());
                }
            });
            echo.start();

            String answer;
            try (Socket socket = factory.createSocket("echo.example", 7)) {   // any host and port: the destination is fixed
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                answer = new String(socket.getInputStream().readNBytes(5), StandardCharsets.UTF_8);
            }
            // README java.net end
            assertThat(answer).isEqualTo("hello");
            echo.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(echo.isAlive()).isFalse();
        ReadmeSnippets.assertInReadme(getClass(), "java.net");
    }

    @Test
    void theOkHttpExampleWorks() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        try (StreamManager server = StreamManager.open(network.endpoint("server"));
             StreamManager client = StreamManager.open(network.endpoint("client"));
             BlockingHttpServer httpServer = new BlockingHttpServer(new ServerSocketAdapter(server))) {
            // README okhttp begin
            // OkHttp looks the host name up before it asks the factory for a socket: use a name that resolves here.
            OkHttpClient http = new OkHttpClient.Builder()
                    .socketFactory(DestinationSocketFactory.mapped(client, Map.of("localhost:8080", server.localDestination())))
                    .build();                                                  // http://localhost:8080/ is the server now
            // README okhttp end
            try (Response response = http.newCall(new Request.Builder().url("http://localhost:8080/random?bytes=1000&seed=4").build())
                    .execute()) {
                assertThat(BlockingHttpServer.sha256Of(response.body().byteStream(), -1))
                        .isEqualTo(BlockingHttpServer.seededSha256(4, 1000));
            } finally {
                http.dispatcher().executorService().shutdown();
                http.connectionPool().evictAll();
            }
            assertThat(httpServer.requests()).isEqualTo(1);
        }
        ReadmeSnippets.assertInReadme(getClass(), "okhttp");
    }
}
