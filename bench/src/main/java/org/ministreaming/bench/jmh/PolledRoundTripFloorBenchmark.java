package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link ChainedOpenCloseBenchmark} over TCP with busy polling: its two round trips
 * (SYN and ACK, then the byte and its answer) as two 1-byte round trips over one loopback TCP
 * connection opened beforehand, where both ends poll their non-blocking socket without ever
 * sleeping ({@code TCP_NODELAY}). No protocol, no close, no selector: whatever carries such an
 * exchange over a TCP connection makes at least these two round trips, so with polling its rate
 * cannot pass this one's on the same machine. It keeps two cores busy.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolledRoundTripFloorBenchmark {

    private SocketChannel client;
    private Thread answering;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);

    /** Opens the connection and starts the polling server thread. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            client = SocketChannel.open(listening.getLocalAddress());
            SocketChannel server = listening.accept();
            for (SocketChannel channel : new SocketChannel[] {client, server}) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
            }
            answering = new Thread(() -> answer(server), "bench-polled-round-trip");
            answering.start();
        }
    }

    /** Closes the connection, which ends the server thread, and waits for it. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        client.close();
        answering.join(ExchangeBenchmark.STALL.toMillis());
        if (answering.isAlive()) {
            throw new IllegalStateException("the server thread did not stop");
        }
    }

    /** One exchange: two round trips; the server's second answer, 2. */
    @Benchmark
    @Threads(1)
    public int exchange() throws IOException {
        roundTrip(client, one, 1);
        return roundTrip(client, one, 1);
    }

    /** Writes {@code value} and polls until the 1-byte answer came. */
    private static int roundTrip(SocketChannel channel, ByteBuffer one, int value) throws IOException {
        one.clear().put((byte) value).flip();
        while (one.hasRemaining()) {
            channel.write(one);
        }
        return pollByte(channel, one);
    }

    /** Polls {@code channel} until one byte came; -1 at its end. */
    private static int pollByte(SocketChannel channel, ByteBuffer one) throws IOException {
        one.clear();
        int read;
        while ((read = channel.read(one)) == 0) {
            Thread.onSpinWait();
        }
        return read < 0 ? -1 : one.get(0);
    }

    /** Answers each byte b with b + 1 until the client closes. */
    private static void answer(SocketChannel server) {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        try (server) {
            while (pollByte(server, one) >= 0) {
                one.put(0, (byte) (one.get(0) + 1)).flip();
                while (one.hasRemaining()) {
                    server.write(one);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the server's side of a round trip failed", e);
        }
    }
}
