package org.ministreaming.i2p;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.i2p.I2PException;
import net.i2p.client.streaming.I2PServerSocket;
import net.i2p.client.streaming.I2PSocket;
import net.i2p.client.streaming.I2PSocketManager;
import net.i2p.data.Destination;
import org.ministreaming.net.BlockingHttpServer;

/**
 * A line echo server and client written against I2P's socket interfaces only
 * ({@code net.i2p.client.streaming}), as a program for I2P's own streaming library would be: it
 * knows nothing of ministreaming.
 */
final class EchoProgram implements AutoCloseable {

    private final I2PServerSocket server;
    private final Thread acceptor;
    private final List<Thread> connections = new CopyOnWriteArrayList<>();

    /** Serves on {@code manager}'s server socket until closed. */
    EchoProgram(I2PSocketManager manager) {
        this.server = manager.getServerSocket();
        this.acceptor = new Thread(this::acceptLoop, "test-echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        try {
            while (true) {
                I2PSocket socket = server.accept();
                Thread thread = new Thread(() -> echo(socket), "test-echo");
                thread.setDaemon(true);
                connections.add(thread);
                thread.start();
            }
        } catch (I2PException | IOException closed) {
            // the server socket or the manager closed
        }
    }

    private static void echo(I2PSocket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            PrintStream out = new PrintStream(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            String line;
            while ((line = in.readLine()) != null) {
                out.println("echo " + line);
            }
        } catch (IOException ended) {
            // the client went away
        }
    }

    /** Connects to {@code server}, sends each line and returns the answers. */
    static List<String> call(I2PSocketManager manager, Destination server, String... lines) throws IOException, I2PException {
        I2PSocket socket = manager.connect(server);
        try {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> answers = new CopyOnWriteArrayList<>();
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                answers.add(in.readLine());
            }
            return answers;
        } finally {
            socket.close();
        }
    }

    /** Closes the server socket and waits for every thread this program started. */
    @Override
    public void close() throws I2PException, IOException {
        server.close();
        BlockingHttpServer.join(acceptor);
        for (Thread thread : connections) {
            BlockingHttpServer.join(thread);
        }
        if (acceptor.isAlive() || connections.stream().anyMatch(Thread::isAlive)) {
            throw new IllegalStateException("a thread of the echo program did not stop");
        }
    }
}
