package org.ministreaming.transport.reliable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Throughput of many connections on the in-memory network: without the reliable layer, through
 * it on a perfect link, through it at 1% drop, and both again with frames of at most 4096 bytes
 * (as over I2CP) instead of whole messages. Not part of the normal build; run it with
 * {@code ./mvnw -B -pl core test -Dtest=ReliableThroughputBenchmark -Dbenchmark=true}. It prints
 * one line per run and the median of each case (docs/benchmarks.md, "The reliable delivery layer").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ReliableThroughputBenchmark {

    private static final int CONNECTIONS = 1000;
    private static final int CONCURRENCY = 64;
    private static final int MAX_BYTES = 1 << 20;
    private static final int RUNS = 3;

    @Test
    void throughputWithoutAndWithTheReliableLayer() throws Exception {
        System.out.println("warm-up:");
        once("warm-up, no reliable layer", LinkFaults.NONE, false, 100, ReliableTransport.DEFAULT_MAX_FRAME);
        once("warm-up, reliable layer, 1% drop", LinkFaults.NONE.withDropPercent(1), true, 101, ReliableTransport.DEFAULT_MAX_FRAME);
        run("memory transport, no reliable layer", LinkFaults.NONE, false);
        run("reliable layer, 0% drop", LinkFaults.NONE, true);
        run("reliable layer, 1% drop", LinkFaults.NONE.withDropPercent(1), true);
        run("reliable layer, frames of " + ReliableTransportBuilder.I2P_MAX_FRAME + " bytes, 0% drop", LinkFaults.NONE, true, ReliableTransportBuilder.I2P_MAX_FRAME);
        run("reliable layer, frames of " + ReliableTransportBuilder.I2P_MAX_FRAME + " bytes, 1% drop", LinkFaults.NONE.withDropPercent(1), true, ReliableTransportBuilder.I2P_MAX_FRAME);
    }

    private static void run(String name, LinkFaults faults, boolean reliable) throws Exception {
        run(name, faults, reliable, ReliableTransport.DEFAULT_MAX_FRAME);
    }

    private static void run(String name, LinkFaults faults, boolean reliable, int maxFrame) throws Exception {
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            rates.add(once(name + ", run " + (run + 1), faults, reliable, run, maxFrame));
        }
        rates.sort(null);
        System.out.printf(Locale.ROOT, "%s: median %.1f MiB/s (min %.1f, max %.1f) over %d runs%n", name, rates.get(RUNS / 2),
                rates.get(0), rates.get(RUNS - 1), RUNS);
    }

    private static double once(String name, LinkFaults faults, boolean reliable, int run, int maxFrame) throws Exception {
        MemoryNetwork network = new MemoryNetwork(new Random(run));
        network.setFaults(faults);
        StreamOptions options = LossyTransfers.options(CONCURRENCY);
        Transport server = reliable ? LossyLinkStressTest.local(network, "server", 8, maxFrame) : network.endpoint("server");
        Transport client = reliable ? LossyLinkStressTest.local(network, "client", 8, maxFrame) : network.endpoint("client");
        try (StreamManager serverManager = StreamManager.open(server, options);
             StreamManager clientManager = StreamManager.open(client, options)) {
            LossyTransfers.Outcome outcome = LossyTransfers.run(serverManager, clientManager, CONNECTIONS, CONCURRENCY, MAX_BYTES, run);
            String extra = reliable ? " " + retransmitted(server, client) : "";
            System.out.printf(Locale.ROOT, "%s: %.1f MiB in %.2f s, %.1f MiB/s%s%n", name,
                    outcome.bytes() / 1048576.0, outcome.nanos() / 1e9, outcome.mebibytesPerSecond(), extra);
            return outcome.mebibytesPerSecond();
        }
    }

    private static String retransmitted(Transport server, Transport client) {
        long total = 0;
        for (Transport transport : List.of(server, client)) {
            total += ((ReliableTransport) transport).statistics().get(ReliableCounter.RETRANSMITTED);
        }
        return "(retransmitted " + total + ")";
    }

}
