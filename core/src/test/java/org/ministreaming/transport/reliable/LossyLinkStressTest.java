package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.Counter;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Streams over a lossy in-memory network, each endpoint wrapped in a {@link ReliableTransport}:
 * every byte arrives, once and in order (SHA-256 at both ends), and the engine never sees a
 * duplicate. Both runs have the full size, 1,000 connections (64 open at a time) of 0 to
 * 1 MiB each way, about 1 GB in all: at 5% drop, 5% duplication and reordering within 16
 * messages (about 6 s on 2 cores), then at 30% drop with the same duplication and reordering
 * (about 17 s). Then I2CP's settings, with the frames for a tunnel and with those for a near router.
 */
class LossyLinkStressTest {

    private static final LinkFaults LOSSY = new LinkFaults(Duration.ZERO, 5, 5, 16);
    private static final LinkFaults VERY_LOSSY = new LinkFaults(Duration.ZERO, 30, 5, 16);

    @Test
    @Timeout(240)
    void aThousandConnectionsOfUpToOneMebibyteEachWayArriveExactlyAtFivePercentDropDuplicationAndReordering() throws Exception {
        Map<ReliableCounter, Long> stats = transfer(LOSSY, 1000, 64, 1 << 20, 1, 8);

        assertThat(stats.get(ReliableCounter.RETRANSMITTED)).isPositive();
        assertThat(stats.get(ReliableCounter.DUPLICATES_DISCARDED)).isPositive();
        assertThat(stats.get(ReliableCounter.OUT_OF_ORDER_HELD)).isPositive();
        assertThat(stats.get(ReliableCounter.PEERS_LOST)).isZero();
    }

    @Test
    @Timeout(240)
    void atThirtyPercentDropEveryByteStillArrivesExactly() throws Exception {
        Map<ReliableCounter, Long> stats = transfer(VERY_LOSSY, 1000, 64, 1 << 20, 2, 20);

        assertThat(stats.get(ReliableCounter.RETRANSMITTED)).isPositive();
        assertThat(stats.get(ReliableCounter.PEERS_LOST)).isZero();
    }

    @Test
    @Timeout(240)
    void withI2pTunnelsFramesFlightAndPacingEveryByteArrivesExactly() throws Exception {
        // I2CP's frames and flight for a tunnel, paced: frames wait in the window and leave from the timer thread.
        Map<ReliableCounter, Long> stats = transfer(LOSSY, 300, 32, 256 << 10, 3, 8,
                builder -> builder.forI2pTunnels().nearPath(Duration.ZERO, ReliableTransportBuilder.I2P_MAX_FRAME));

        assertThat(stats.get(ReliableCounter.RETRANSMITTED)).isPositive();
        assertThat(stats.get(ReliableCounter.OUT_OF_ORDER_HELD)).isPositive();
        assertThat(stats.get(ReliableCounter.PEERS_LOST)).isZero();
    }

    @Test
    @Timeout(240)
    void withI2pFramesForANearRouterEveryByteArrivesExactly() throws Exception {
        // The memory network's round trips are far below I2P_NEAR_ROUND_TRIP: after the first, frames of I2P_NEAR_FRAME.
        Map<ReliableCounter, Long> stats = transfer(LOSSY, 300, 32, 256 << 10, 4, 8, ReliableTransportBuilder::forI2pTunnels);

        assertThat(stats.get(ReliableCounter.RETRANSMITTED)).isPositive();
        assertThat(stats.get(ReliableCounter.OUT_OF_ORDER_HELD)).isPositive();
        assertThat(stats.get(ReliableCounter.PEERS_LOST)).isZero();
    }

    /** Runs the transfers and returns both endpoints' reliable counters added up. */
    static Map<ReliableCounter, Long> transfer(LinkFaults faults, int connections, int concurrency, int maxBytes, long seed,
                                               int maxRetries) throws Exception {
        return transfer(faults, connections, concurrency, maxBytes, seed, maxRetries, builder -> builder);
    }

    /** As {@link #transfer(LinkFaults, int, int, int, long, int)}, with the reliable layers' options adjusted by {@code adjust}. */
    static Map<ReliableCounter, Long> transfer(LinkFaults faults, int connections, int concurrency, int maxBytes, long seed,
                                               int maxRetries, UnaryOperator<ReliableTransportBuilder> adjust) throws Exception {
        MemoryNetwork network = new MemoryNetwork(new Random(seed));
        network.setFaults(faults);
        StreamOptions options = LossyTransfers.options(concurrency);
        ReliableTransport serverTransport = local(network, "server", maxRetries, adjust);
        ReliableTransport clientTransport = local(network, "client", maxRetries, adjust);
        LossyTransfers.Outcome outcome;
        long sendFailed = 0;
        try (StreamManager server = StreamManager.open(serverTransport, options);
             StreamManager client = StreamManager.open(clientTransport, options)) {
            outcome = LossyTransfers.run(server, client, connections, concurrency, maxBytes, seed);
            for (StreamManager manager : new StreamManager[] {server, client}) {
                assertThat(manager.statistics())
                        .as("engine counters")
                        .containsEntry(Counter.DUPLICATE_SYN, 0L)
                        .containsEntry(Counter.MALFORMED, 0L)
                        .containsEntry(Counter.LATE_ACK, 0L)
                        .containsEntry(Counter.OVERRUN, 0L)
                        .containsEntry(Counter.CREDIT_VIOLATION, 0L)
                        .containsEntry(Counter.INTERNAL_ERROR, 0L);
                sendFailed += manager.statistics().get(Counter.SEND_FAILED);
            }
        }
        Map<ReliableCounter, Long> stats = Statistics.sum(serverTransport.statistics(), clientTransport.statistics());
        // The only sends that may fail are replies (pongs, probes) that found the peer's window and
        // the allowance beyond it full, which the reliable layer drops by design; never a data
        // message, an ACK or a close. (A dropped credit grant is sent again by a waiting send, so
        // the layer may count more drops than the engine counts failures.)
        assertThat(sendFailed).as("engine sends that failed, against replies the reliable layer dropped")
                .isLessThanOrEqualTo(stats.get(ReliableCounter.REPLIES_DROPPED));
        System.out.printf("%s: %d connections, %.1f MiB in %.1f s (%.1f MiB/s); %s%n", faults, outcome.connections(),
                outcome.bytes() / 1048576.0, outcome.nanos() / 1e9, outcome.mebibytesPerSecond(), stats);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
        return stats;
    }

    /**
     * A reliable endpoint with timers for a local link. At 30% loss each way a round trip fails
     * half the time, so 9 tries (the default 8 retries) would all fail for about one message in
     * 400; 21 tries make that one in a million.
     */
    static ReliableTransport local(MemoryNetwork network, String name, int maxRetries) {
        return local(network, name, maxRetries, ReliableTransport.DEFAULT_MAX_FRAME);
    }

    /** As {@link #local(MemoryNetwork, String, int)}, with frames of at most {@code maxFrame} bytes. */
    static ReliableTransport local(MemoryNetwork network, String name, int maxRetries, int maxFrame) {
        return local(network, name, maxRetries, builder -> builder.maxFrame(maxFrame));
    }

    /** As {@link #local(MemoryNetwork, String, int)}, with options adjusted by {@code adjust} before the local timers are set. */
    static ReliableTransport local(MemoryNetwork network, String name, int maxRetries, UnaryOperator<ReliableTransportBuilder> adjust) {
        return adjust.apply(ReliableTransport.builder(network.endpoint(name)))
                .minRto(Duration.ofMillis(20))
                .initialRto(Duration.ofMillis(100))
                .maxRto(Duration.ofMillis(500))
                .maxRetries(maxRetries)
                .ackDelay(Duration.ofMillis(2))
                .build();
    }
}
