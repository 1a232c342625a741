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
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * What an idle TCP link costs a listening transport: opens N links (hello, then nothing) from
 * ten loopback addresses and prints the heap (after a GC), threads and RSS per link. Uses only
 * the API that every version has, so it measures old and new builds alike (docs/robustness.md):
 *
 *   java -Xmx256m -cp core/target/classes scripts/IdleLinkCost.java 250
 *
 * With {@code tls} after the count the links are TLS links, opened (handshake, then the hello)
 * by a child JVM, so that only the server's side is in the figures; run it from the repository's
 * top directory:
 *
 *   java -Xmx256m -cp core/target/classes scripts/IdleLinkCost.java 250 tls
 */
public final class IdleLinkCost {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("client")) {
            tlsClients(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int links = args.length > 0 ? Integer.parseInt(args[0]) : 250;
        boolean tls = args.length > 1 && args[1].equals("tls");
        TcpTransport server = tls ? TcpTransport.tls().listen("tls://127.0.0.1:0").build()
                : TcpTransport.plain().listen("tcp://127.0.0.1:0").build();
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
        Process clients = null;
        if (tls) {
            clients = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "scripts/IdleLinkCost.java", "client", String.valueOf(uri.getPort()), String.valueOf(links))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        }
        for (int i = 0; i < links && !tls; i++) {
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
        if (clients != null) {
            clients.getOutputStream().close();
            clients.waitFor();
        }
        server.close();
    }

    /** The child: N TLS links to port, each after its handshake sending its hello; then waits for its input to end. */
    private static void tlsClients(int port, int links) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {new TrustingAll()}, null);
        byte[] hello = "MINISTREAMING/1 -".getBytes(StandardCharsets.US_ASCII);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < links; i++) {
            Socket raw = new Socket();
            raw.bind(new InetSocketAddress("127.0.0." + (1 + i % 10), 0));
            raw.connect(new InetSocketAddress("127.0.0.1", port));
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
            socket.startHandshake();
            socket.getOutputStream().write(ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array());
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
        System.in.read();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** The child trusts whatever the server presents: this measures cost, not trust. */
    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String type) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String type) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String type, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String type, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String type, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String type, SSLEngine engine) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
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
