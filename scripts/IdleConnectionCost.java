import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * What an idle connection costs: opens N connections between two managers on the in-memory
 * transport (connect, accept, nothing sent) and prints the heap per end after a GC, the
 * connections' own state with no unread bytes (issue 12: at most 1 KiB per end). Both ends live in
 * this JVM, so the heap grown is divided by 2N:
 *
 *   java -Xmx2g -cp core/target/classes scripts/IdleConnectionCost.java 100000
 */
public final class IdleConnectionCost {
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        StreamOptions options = StreamOptions.builder()
                .maxConnections(connections + 1)
                .maxConnectionsPerPeer(connections + 1)
                .synsPerSecondPerPeer(Integer.MAX_VALUE)
                .acceptBacklog(1024)
                .build();
        MemoryNetwork network = new MemoryNetwork();
        try (StreamManager server = StreamManager.open(network.endpoint("server"), options);
             StreamManager client = StreamManager.open(network.endpoint("client"), options)) {
            StreamServerSocket serverSocket = server.serverSocket();
            List<StreamSocket> accepted = new ArrayList<>(connections);
            Thread acceptor = new Thread(() -> {
                try {
                    for (int i = 0; i < connections; i++) {
                        accepted.add(serverSocket.accept());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("accept failed after " + accepted.size(), e);
                }
            });
            warmUp(client, serverSocket);
            long before = heapAfterGc();
            acceptor.start();
            List<StreamSocket> opened = new ArrayList<>(connections);
            long start = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                opened.add(client.connect("mem:server"));
            }
            acceptor.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            long after = heapAfterGc();
            System.out.printf("%d idle connections (%d accepted) opened in %.1f s: heap %+.0f bytes per end%n",
                    opened.size(), accepted.size(), seconds, (after - before) / (2.0 * connections));
        }
    }

    /** One connection opened and closed, so that the classes and pools of a connection are in the baseline. */
    private static void warmUp(StreamManager client, StreamServerSocket serverSocket) throws Exception {
        Thread acceptor = new Thread(() -> {
            try {
                serverSocket.accept().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        acceptor.start();
        client.connect("mem:server").close();
        acceptor.join();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
