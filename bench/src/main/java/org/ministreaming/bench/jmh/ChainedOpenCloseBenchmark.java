package org.ministreaming.bench.jmh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.tcp.TcpTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The exchange of {@link OpenCloseBenchmark} (open, 1 byte each way, close) one after another
 * with neither side blocking: a client in callbacks ({@link ChainedClient}: each exchange opened by
 * {@link StreamManager#connectAsync} from the callback that ended the one before) against a server
 * in callbacks ({@link CallbackServer}), all run by the transports' receiving threads. Two managers
 * in this JVM, in memory or over plain TCP on loopback, with the links' thread polling for
 * {@code busyPollMicros} (TCP only; 0 for none, as by default). One operation is one exchange; the
 * benchmark thread only starts a run of {@value #RUN} and waits for its end.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChainedOpenCloseBenchmark {

    /** Exchanges per run. */
    static final int RUN = 1000;

    /** The transport under both managers: {@code memory} or {@code tcp}. */
    @Param({"memory", "tcp"})
    public String transport = "memory";

    /** How long each TCP transport's links' thread polls after its last work, in microseconds (TCP only). */
    @Param({"0", "200"})
    public int busyPollMicros;

    private StreamManager server;
    private StreamManager client;
    private StreamServerSocket listening;
    private CallbackServer callbacks;
    private ChainedClient chain;

    /** Opens both managers and starts the server. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StreamOptions options = StreamOptions.builder()
                .synsPerSecondPerPeer(1_000_000)
                .connectTimeout(ExchangeBenchmark.STALL).acceptTimeout(ExchangeBenchmark.STALL)
                .build();
        if (transport.equals("tcp")) {
            Duration poll = Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(busyPollMicros));
            server = StreamManager.open(TcpTransport.plain().busyPoll(poll).listen("tcp://127.0.0.1:0").build(), options);
            client = StreamManager.open(TcpTransport.plain().busyPoll(poll).build(), options);
        } else {
            MemoryNetwork network = new MemoryNetwork();
            server = StreamManager.open(network.endpoint("server"), options);
            client = StreamManager.open(network.endpoint("client"), options);
        }
        listening = server.serverSocket();
        callbacks = new CallbackServer(listening);
        chain = new ChainedClient(client, server.localDestination());
    }

    /** Closes both managers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        listening.close();
        client.close();
        server.close();
        callbacks.checkNoFailure();
    }

    /** A run of {@value #RUN} exchanges, one after another. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(RUN)
    public int run() throws Exception {
        return chain.run(RUN, ExchangeBenchmark.STALL);
    }
}
