package org.ministreaming.transport.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** {@link RttEstimator}: the rules of RFC 6298, with its floor, ceiling and backoff. */
class RttEstimatorTest {

    private static final long MS = 1_000_000;

    @Test
    void beforeAnyMeasurementTheRtoIsTheInitialOne() {
        assertThat(new RttEstimator(200 * MS, 1000 * MS, 60_000 * MS).rto()).isEqualTo(1000 * MS);
    }

    @Test
    void theFirstSampleSetsSrttAndHalfOfItAsVariation() {
        RttEstimator rtt = new RttEstimator(MS, 1000 * MS, 60_000 * MS);

        rtt.sample(100 * MS);

        assertThat(rtt.srtt()).isEqualTo(100 * MS);
        assertThat(rtt.rttvar()).isEqualTo(50 * MS);
        assertThat(rtt.rto()).isEqualTo(300 * MS);
    }

    @Test
    void laterSamplesUpdateTheVariationWithTheOldSrttThenTheSrtt() {
        RttEstimator rtt = new RttEstimator(MS, 1000 * MS, 60_000 * MS);
        rtt.sample(100 * MS);

        rtt.sample(200 * MS);

        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
        assertThat(rtt.rttvar()).isEqualTo(62_500_000);
        assertThat(rtt.srtt()).isEqualTo(112_500_000);
        assertThat(rtt.rto()).isEqualTo(112_500_000 + 4 * 62_500_000);
    }

    @Test
    void theClockGranularityBoundsTheVariationTerm() {
        RttEstimator rtt = new RttEstimator(1, 1000 * MS, 60_000 * MS);
        for (int i = 0; i < 50; i++) {
            rtt.sample(10 * MS);
        }
        assertThat(rtt.rto()).isEqualTo(10 * MS + RttEstimator.GRANULARITY_NANOS);
    }

    @Test
    void theRtoStaysBetweenTheFloorAndTheCeiling() {
        RttEstimator rtt = new RttEstimator(200 * MS, 1000 * MS, 5000 * MS);
        rtt.sample(MS);
        assertThat(rtt.rto()).isEqualTo(200 * MS);

        rtt.sample(60_000 * MS);
        assertThat(rtt.rto()).isEqualTo(5000 * MS);
    }

    @Test
    void eachBackoffDoublesTheRtoUpToTheCeilingAndASampleEndsIt() {
        RttEstimator rtt = new RttEstimator(200 * MS, 1000 * MS, 5000 * MS);

        rtt.backoff();
        assertThat(rtt.rto()).isEqualTo(2000 * MS);
        rtt.backoff();
        assertThat(rtt.rto()).isEqualTo(4000 * MS);
        rtt.backoff();
        assertThat(rtt.rto()).isEqualTo(5000 * MS);
        for (int i = 0; i < 100; i++) {
            rtt.backoff();
        }
        assertThat(rtt.rto()).isEqualTo(5000 * MS);

        rtt.sample(100 * MS);
        assertThat(rtt.rto()).isEqualTo(300 * MS);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RttEstimator(0, MS, MS));
        assertThatIllegalArgumentException().isThrownBy(() -> new RttEstimator(2 * MS, MS, MS));
    }
}
