package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.ConnectionId;

/**
 * A session's round trip for the self-tuning windows: at most one probe outstanding, a new one
 * only when the measurement is missing or older than a second (or the last probe was lost), and
 * pongs smoothed into the estimate as TCP smooths its own.
 */
class PeerSessionRoundTripTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final ConnectionId ID = new ConnectionId(0x123456);
    private static final ConnectionId OTHER = new ConnectionId(0x654321);

    private final PeerSession session = new PeerSession(MemoryNetwork.destination("peer"), 200, 0);

    @Test
    void aProbeIsDueBeforeAnyMeasurementButNotWhileOneIsOutstanding() {
        assertThat(session.roundTripNanos()).isZero();

        assertThat(session.startProbe(ID, 7, 1_000 * MS)).isNotNull();
        assertThat(session.startProbe(OTHER, 8, 1_001 * MS)).as("one outstanding").isNull();
    }

    @Test
    void itsPongMeasuresTheRoundTripAndTheNextProbeWaitsASecond() {
        session.startProbe(ID, 7, 1_000 * MS);

        assertThat(session.probeAnswered(ID, 7, 1_004 * MS)).isTrue();

        assertThat(session.roundTripNanos()).isEqualTo(4 * MS);
        assertThat(session.startProbe(OTHER, 8, 1_500 * MS)).as("measured half a second ago").isNull();
        assertThat(session.startProbe(OTHER, 8, 2_004 * MS)).as("measured a second ago").isNotNull();
    }

    @Test
    void aPongWithAnotherIdOrTokenIsNotTheProbes() {
        session.startProbe(ID, 7, 1_000 * MS);

        assertThat(session.probeAnswered(OTHER, 7, 1_001 * MS)).isFalse();
        assertThat(session.probeAnswered(ID, 8, 1_001 * MS)).isFalse();
        assertThat(session.roundTripNanos()).isZero();
        assertThat(session.probeAnswered(ID, 7, 1_002 * MS)).isTrue();
        assertThat(session.probeAnswered(ID, 7, 1_003 * MS)).as("answered once").isFalse();
    }

    @Test
    void aLostProbeIsReplacedAfterTenSeconds() {
        session.startProbe(ID, 7, 1_000 * MS);

        assertThat(session.startProbe(OTHER, 8, 10_999 * MS)).isNull();
        assertThat(session.startProbe(OTHER, 8, 11_000 * MS)).isNotNull();
        assertThat(session.probeAnswered(ID, 7, 11_001 * MS)).as("the lost one's late pong").isFalse();
    }

    @Test
    void aRememberedRoundTripIsAFirstSampleThatAProbeStillRefreshes() {
        session.startFrom(40 * MS, 1_000 * MS);

        assertThat(session.roundTripNanos()).isEqualTo(40 * MS);
        assertThat(session.startProbe(ID, 7, 1_000 * MS)).as("due at once").isNotNull();
        assertThat(session.probeAnswered(ID, 7, 1_008 * MS)).isTrue();
        assertThat(session.roundTripNanos()).isEqualTo(36 * MS);
        session.startFrom(100 * MS, 1_010 * MS);
        assertThat(session.roundTripNanos()).as("a measurement is not overwritten").isEqualTo(36 * MS);
    }

    @Test
    void samplesAreSmoothedEachWeighingAnEighth() {
        session.measured(8 * MS, 0);
        session.measured(16 * MS, 1);

        assertThat(session.roundTripNanos()).isEqualTo(9 * MS);
    }
}
