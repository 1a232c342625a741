package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Data messages through two real engines (two {@link StreamManager}s, default options, flow
 * control on) over a {@link PumpedNetwork}, with no thread hand-off: the benchmark thread plays
 * both transports' reader threads and both applications.
 *
 * <ul>
 *   <li>{@link #dispatchDataMessage}: the receive path alone. A 1-byte data message sent once by
 *       the client, copied (as a transport hands the engine a fresh array), handed to the
 *       server's engine, and its byte read by the server's application; the credit messages
 *       that reading sends are dropped. The client's engine never hears of these bytes, so
 *       afterwards the two ends disagree about credit: JMH gives each benchmark method a state
 *       of its own, and so must any other caller.</li>
 *   <li>{@link #dataMessage32KiB}: both paths. The client's application writes 32 KiB (one full
 *       data message), the network delivers it to the server's engine, the server's application
 *       reads it, and the credit that sends goes back to the client's engine.</li>
 * </ul>
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {

    private static final int BIG = 32 * 1024;
    private static final Duration STALL = Duration.ofSeconds(10);

    private PumpedNetwork network;
    private PumpedNetwork.Endpoint serverEnd;
    private StreamManager server;
    private StreamManager client;
    private StreamSocket clientSocket;
    private StreamSocket serverSocket;
    private OutputStream clientOut;
    private InputStream serverIn;
    private byte[] oneByteMessage;
    private final byte[] big = new byte[BIG];
    private final byte[] readBuffer = new byte[BIG];

    /** Opens both managers and one connection between them, and records a 1-byte data message. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        new SplittableRandom(1).nextBytes(big);
        network = new PumpedNetwork();
        serverEnd = network.endpoint("server");
        // Default options; the timeouts only turn a broken benchmark into an error instead of a hang.
        StreamOptions options = StreamOptions.builder().readTimeout(STALL).writeTimeout(STALL).build();
        server = StreamManager.open(serverEnd, options);
        client = StreamManager.open(network.endpoint("client"), options);
        StreamServerSocket listening = server.serverSocket();
        // connect() waits for the ACK and accept() sends it: both on threads of their own while this one delivers.
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> new Thread(runnable, "bench-setup"));
        try {
            Future<StreamSocket> connected = threads.submit(() -> client.connect(server.localDestination()));
            Future<StreamSocket> accepted = threads.submit(() -> listening.accept());
            while (!connected.isDone() || !accepted.isDone()) {
                network.pump();
                Thread.onSpinWait();
            }
            clientSocket = connected.get();
            serverSocket = accepted.get();
        } finally {
            threads.shutdownNow();
        }
        clientOut = clientSocket.getOutputStream();
        serverIn = serverSocket.getInputStream();
        network.pump();
        clientOut.write(7);
        oneByteMessage = network.take();
        network.discard();
    }

    /** Closes both managers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
    }

    /** One 1-byte data message handed to the server's engine and read by its application. */
    @Benchmark
    public int dispatchDataMessage() throws IOException {
        serverEnd.deliver(client.localDestination(), oneByteMessage.clone());
        int read = serverIn.read();
        network.discard();
        return read;
    }

    /** 32 KiB written by the client's application, through both engines, read by the server's application. */
    @Benchmark
    public int dataMessage32KiB() throws IOException {
        clientOut.write(big, 0, BIG);
        network.pump();
        int read = 0;
        while (read < BIG) {
            read += serverIn.read(readBuffer, read, BIG - read);
        }
        network.pump();
        return readBuffer[BIG - 1];
    }
}
