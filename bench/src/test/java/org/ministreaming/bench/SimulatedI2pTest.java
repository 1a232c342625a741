package org.ministreaming.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.StreamOptions;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.memory.PathCounts;
import org.ministreaming.transport.reliable.ReliableTransportBuilder;

/**
 * In every build, a small transfer over the simulated "good I2P path" (400 ms round trip, lost
 * fragments, 200 KiB/s), by ministreaming in reliable mode with I2CP's frames and flight and by I2P's own streaming library on
 * its simulated session: a 1-byte request answered, then 64 KiB that arrive intact (SHA-256).
 * The figures are in {@link SimulatedI2pBenchmark}.
 */
class SimulatedI2pTest {

    private static final long BYTES = 64 * 1024;

    @AfterEach
    void noEndpointLeftBehind() {
        ThreadLeaks.assertNoneLeft("ministreaming-memory-");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ministreamingMovesBytesIntactOverAGoodI2pPath() throws Exception {
        StreamOptions options = StreamOptions.builder().readTimeout(Await.LIMIT).build();
        try (SimulatedMinistreamingPath path = SimulatedMinistreamingPath.open("ministreaming (reliable)", PathConditions.GOOD_I2P, new Random(14), options,
                ReliableTransportBuilder::forI2pTunnels)) {
            exercise(path);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void i2pStreamingMovesBytesIntactOverTheSameSimulatedPath() throws Exception {
        try (SimulatedStreamingPath path = SimulatedStreamingPath.open(PathConditions.GOOD_I2P, new Random(14), Await.LIMIT)) {
            exercise(path);
        }
    }

    private static void exercise(SimulatedStreamPath path) throws Exception {
        try (SimulatedRun run = SimulatedRun.start(path, PathConditions.GOOD_I2P, Payload.CHUNK)) {
            SimulatedRun.Connect connect = run.connect();
            assertThat(Duration.ofNanos(connect.firstByteNanos())).as("a request and its reply take two round trips at least")
                    .isGreaterThanOrEqualTo(PathConditions.GOOD_I2P.roundTrip());
            SimulatedRun.Bulk bulk = run.bulk(BYTES, 7, Duration.ZERO, Duration.ZERO);
            assertThat(bulk.intact()).as("SHA-256 of the %d bytes at the receiver matches", BYTES).isTrue();
            PathCounts sent = path.clientToServer();
            assertThat(sent.delivered()).as("messages from client to server").isPositive();
        }
    }
}
