package org.ministreaming.bench.throughput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ministreaming.bench.throughput.Result;

class RoundTest {

    private static final long GIB = 1L << 30;

    @Test
    void aRoundComparesThroughputAndCpuPerByte() {
        Round round = Round.reversed(new Result(GIB, 500_000_000, 600_000_000), new Result(GIB, 1_000_000_000, 1_800_000_000));

        assertThat(round.ratio()).isEqualTo(0.5);
        assertThat(round.cpuRatio()).isEqualTo(3.0);
        assertThat(round.describe("ratio: ")).isEqualTo("ratio: 0.50, CPU per GiB 3.00 times raw TCP's");
    }

    @Test
    void anUnknownCpuTimeLeavesTheCpuRatioOut() {
        Round round = new Round(new Result(GIB, 2_000_000_000, -1), new Result(GIB, 1_000_000_000, 700_000_000));

        assertThat(round.cpuRatio()).isNaN();
        assertThat(round.describe("ratio: ")).isEqualTo("ratio: 0.50");
        assertThat(Round.medians(List.of(round))).isEqualTo("medians of 1 rounds: ratio ministreaming / raw TCP 0.50");
        assertThat(Round.median(List.of(rounds(1), round, rounds(2)), Round::cpuRatio)).isNaN();
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        List<Round> rounds = List.of(rounds(4), rounds(1), rounds(2), rounds(8));

        assertThat(Round.median(rounds, Round::ratio)).isCloseTo(0.3, within(1e-12));
        assertThat(Round.medians(rounds)).startsWith("medians of 4 rounds: ratio ministreaming / raw TCP 0.30, CPU per GiB 1.00");
    }

    @Test
    void roundsInWhichRawTcpMovedAtVeryDifferentSpeedsAreNamedUnsteady() {
        List<Round> rounds = List.of(rawAt(3500), rawAt(2000), rawAt(3400));

        assertThat(Round.unsteady(rounds)).hasValueSatisfying(note -> assertThat(note)
                .startsWith("note: raw TCP moved 2000 to 3500 MiB/s in these rounds")
                .contains("the medians mix rounds that do not compare"));
    }

    @Test
    void rawTcpWithinThirtyPercentOrOneRoundIsSteady() {
        assertThat(Round.unsteady(List.of(rawAt(3400), rawAt(3600), rawAt(3500)))).isEmpty();
        assertThat(Round.unsteady(List.of(rawAt(1000), rawAt(1299)))).isEmpty();
        assertThat(Round.unsteady(List.of(rawAt(1000), rawAt(1300)))).isPresent();
        assertThat(Round.unsteady(List.of(rawAt(2000)))).isEmpty();
    }

    /** A round in which raw TCP moved {@code mebibytesPerSecond}, and ministreaming half of it. */
    private static Round rawAt(long mebibytesPerSecond) {
        long bytes = mebibytesPerSecond << 20;
        return new Round(new Result(bytes, 2_000_000_000, 1_000_000_000), new Result(bytes, 1_000_000_000, 1_000_000_000));
    }

    /** A round whose ratio is {@code tenths} / 10 at equal CPU per byte. */
    private static Round rounds(int tenths) {
        return new Round(new Result(GIB, 10_000_000_000L / tenths, 1_000_000_000), new Result(GIB, 1_000_000_000, 1_000_000_000));
    }
}
