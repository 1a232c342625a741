import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * One stream over a TLS (or, with {@code tcp} after the size, a plain TCP) link on loopback:
 * sends MiB (default 512) through it after a 64 MiB warm-up and prints MiB/s and the process's
 * CPU seconds per GiB over that time (less moved by other load than the rate). Uses only the
 * public API every version has, so the same command times old and new builds pair by pair
 * (docs/robustness.md):
 *
 *   scripts/alternate.sh 7 'java -cp core/target/classes scripts/OneStreamBench.java 256' 'java -cp /tmp/old-classes scripts/OneStreamBench.java 256'
 */
public final class OneStreamBench {
    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        boolean tls = args.length < 2 || !args[1].equals("tcp");
        StreamOptions options = StreamOptions.builder().build();
        TcpTransport listening = tls ? TcpTransport.tls().listen("tls://127.0.0.1:0").build()
                : TcpTransport.plain().listen("tcp://127.0.0.1:0").build();
        TcpTransport dialling = tls ? TcpTransport.tls().pin(listening.certificateFingerprint().orElseThrow()).build()
                : TcpTransport.plain().build();
        try (StreamManager server = StreamManager.open(listening, options);
             StreamManager client = StreamManager.open(dialling, options)) {
            CompletableFuture<StreamSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.serverSocket().accept();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (StreamSocket from = client.connect(server.localDestination()); StreamSocket to = accepted.get()) {
                CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(to));
                byte[] chunk = new byte[64 * 1024];
                OutputStream out = from.getOutputStream();
                long warmup = 64L << 20;
                long total = mib << 20;
                for (long sent = 0; sent < warmup; sent += chunk.length) {
                    out.write(chunk);
                }
                com.sun.management.OperatingSystemMXBean os =
                        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpuStart = os.getProcessCpuTime();
                long start = System.nanoTime();
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk);
                }
                out.close();
                long received = drained.get();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuPerGib = (os.getProcessCpuTime() - cpuStart) / 1e9 / (mib / 1024.0);
                System.out.printf("%s, one stream: %.1f MiB/s, %.2f CPU s per GiB (%d bytes received)%n",
                        tls ? "TLS" : "TCP", mib / seconds, cpuPerGib, received);
            }
        }
    }

    private static long drain(StreamSocket socket) {
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
