import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.SplittableRandom;

/**
 * Raw TCP alone, the way {@code ministreaming bench} moves it: one {@code java.net.Socket} pair
 * on loopback with {@code TCP_NODELAY}, writes of 64 KiB taken in turn from a period of random
 * bytes, reads of 64 KiB, 1 GiB per transfer, six transfers in one JVM, each printed in MiB/s.
 * Nothing of ministreaming runs in the process, so what varies from run to run is the machine's:
 *
 *   java scripts/RawLoopback.java            # a period of 1 MiB, as bench's data
 *   java scripts/RawLoopback.java 65536      # a period of 64 KiB
 */
public final class RawLoopback {
    private static final int CHUNK = 64 * 1024;
    private static final long TRANSFER = 1L << 30;
    private static final int TRANSFERS = 6;

    public static void main(String[] args) throws Exception {
        int period = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        byte[] data = new byte[period + CHUNK];
        new SplittableRandom(1).nextBytes(data);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
                Socket from = new Socket(loopback, server.getLocalPort());
                Socket to = server.accept()) {
            from.setTcpNoDelay(true);
            to.setTcpNoDelay(true);
            StringBuilder line = new StringBuilder("period " + period + " bytes, MiB/s:");
            for (int i = 0; i < TRANSFERS; i++) {
                Thread reader = new Thread(() -> drain(to));
                long start = System.nanoTime();
                reader.start();
                OutputStream out = from.getOutputStream();
                for (long sent = 0; sent < TRANSFER; sent += CHUNK) {
                    out.write(data, (int) (sent % period), CHUNK);
                }
                reader.join();
                line.append(String.format(" %.0f", TRANSFER / ((System.nanoTime() - start) / 1e9) / (1 << 20)));
            }
            System.out.println(line);
        }
    }

    private static void drain(Socket socket) {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = socket.getInputStream();
            for (long got = 0; got < TRANSFER; ) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("the stream ended after " + got + " bytes");
                }
                got += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
