import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * What an idle TCP link costs a listening transport: opens N links (hello, then nothing) from
 * ten loopback addresses and prints the heap (after a GC), threads and RSS per link. Uses only
 * the API that every version has, so it measures old and new builds alike (docs/robustness.md):
 *
 *   java -Xmx256m -cp core/target/classes scripts/IdleLinkCost.java 250
 */
public final class IdleLinkCost {
    public static void main(String[] args) throws Exception {
        int links = args.length > 0 ? Integer.parseInt(args[0]) : 250;
        TcpTransport server = TcpTransport.plain().listen("tcp://127.0.0.1:0").build();
        server.start(new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        URI uri = URI.create(server.localDestination().uri());
        long[] before = measure();
        byte[] hello = "MINISTREAMING/1 -".getBytes(StandardCharsets.US_ASCII);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < links; i++) {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress("127.0.0." + (1 + i % 10), 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array());
            sockets.add(socket);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.peers().size() < links && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long[] after = measure();
        int open = server.peers().size();
        System.out.printf("%d idle links open (of %d): heap %+.1f KiB/link, threads %+.2f/link, RSS %+.1f KiB/link%n",
                open, links, (after[0] - before[0]) / 1024.0 / open,
                (after[1] - before[1]) / (double) open, (after[2] - before[2]) / (double) open);
        for (Socket socket : sockets) {
            socket.close();
        }
        server.close();
    }

    /** Heap used after a GC (bytes), live threads, resident set (KiB). */
    private static long[] measure() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
        return new long[] {heap, threads, rss};
    }
}
