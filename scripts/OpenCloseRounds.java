import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Sequential open, 1-byte exchange and close on the in-memory transport (the exchange of the JMH
 * OpenCloseBenchmark, server accepting on one thread and answering on a pool of 8), printed round
 * by round with the process's context switches per exchange, so that a change of regime over time
 * shows:
 *
 *   java -cp core/target/classes scripts/OpenCloseRounds.java 10000 14      # 14 rounds of 10,000
 */
public final class OpenCloseRounds {
    public static void main(String[] args) throws Exception {
        int perRound = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Duration stall = Duration.ofSeconds(10);
        StreamOptions options = StreamOptions.builder().synsPerSecondPerPeer(1_000_000)
                .connectTimeout(stall).acceptTimeout(stall).readTimeout(stall).writeTimeout(stall).build();
        MemoryNetwork network = new MemoryNetwork();
        ExecutorService answering = Executors.newFixedThreadPool(8);
        try (StreamManager server = StreamManager.open(network.endpoint("server"), options);
             StreamManager client = StreamManager.open(network.endpoint("client"), options)) {
            StreamServerSocket listening = server.serverSocket();
            Thread acceptor = new Thread(() -> {
                while (true) {
                    StreamSocket accepted;
                    try {
                        accepted = listening.accept();
                    } catch (IOException closed) {
                        return;
                    }
                    answering.execute(() -> {
                        try (accepted) {
                            accepted.getInputStream().read();
                            accepted.getOutputStream().write(2);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            for (int round = 1; round <= rounds; round++) {
                long switchesBefore = contextSwitches();
                long before = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    try (StreamSocket socket = client.connect(server.localDestination())) {
                        socket.getOutputStream().write(1);
                        if (socket.getInputStream().read() != 2) {
                            throw new IllegalStateException("no answer");
                        }
                    }
                }
                long after = System.nanoTime();
                System.out.printf("round %d: %.0f per second, %.1f context switches each, %.2f s from the start%n", round,
                        perRound / ((after - before) / 1e9), (contextSwitches() - switchesBefore) / (double) perRound, (after - start) / 1e9);
            }
        } finally {
            answering.shutdownNow();
        }
    }

    /** The context switches of all this process's threads so far (Linux). */
    private static long contextSwitches() {
        long sum = 0;
        File[] tasks = new File("/proc/self/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            try {
                for (String line : Files.readAllLines(new File(task, "status").toPath())) {
                    if (line.contains("ctxt_switches")) {
                        sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            } catch (IOException ended) {
                // the thread ended meanwhile
            }
        }
        return sum;
    }
}
