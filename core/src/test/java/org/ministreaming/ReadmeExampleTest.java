package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.memory.MemoryNetwork;

/** The README's library example, kept compiling and working. */
class ReadmeExampleTest {

    @Test
    void echoExampleFromTheReadmeWorks() throws Exception {
        String printed;
        Thread acceptLoop;
        MemoryNetwork network = new MemoryNetwork();
        try (StreamManager server = StreamManager.open(network.endpoint("server"));
             StreamManager client = StreamManager.open(network.endpoint("client"))) {

            StreamServerSocket serverSocket = server.serverSocket();
            acceptLoop = new Thread(() -> {
                try {
                    while (true) {
                        StreamSocket socket = serverSocket.accept();
                        new Thread(() -> {
                            try (socket) {
                                socket.getInputStream().transferTo(socket.getOutputStream());
                            } catch (IOException e) {
                                System.err.println("echo ended: " + e.getMessage());
                            }
                        }).start();
                    }
                } catch (IOException closed) {
                    // the server socket or the manager was closed
                }
            });
            acceptLoop.start();

            try (StreamSocket socket = client.connect("mem:server")) {
                socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                byte[] answer = socket.getInputStream().readNBytes(5);
                printed = new String(answer, StandardCharsets.UTF_8);
            }
        }
        acceptLoop.join(5000);

        assertThat(printed).isEqualTo("hello");
        assertThat(acceptLoop.isAlive()).as("the accept loop ends when the manager closes").isFalse();
    }
}
