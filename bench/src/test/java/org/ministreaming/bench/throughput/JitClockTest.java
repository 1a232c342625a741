package org.ministreaming.bench.throughput;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitClockTest {

    @Test
    void quietMeansBusyForAtMostAOneTwentiethOfTheTime() {
        assertThat(JitClock.quiet(0, 1)).isTrue();
        assertThat(JitClock.quiet(5, 100_000_000L)).isTrue();
        assertThat(JitClock.quiet(6, 100_000_000L)).isFalse();
        assertThat(JitClock.quiet(50, 1_000_000_000L)).isTrue();
        assertThat(JitClock.quiet(51, 1_000_000_000L)).isFalse();
        assertThat(JitClock.quiet(1, 1_000_000L)).isFalse();
    }

    @Test
    void thisJvmReportsItsCompileTime() {
        assertThat(JitClock.readable()).as("HotSpot reports its compile time").isTrue();
        long before = JitClock.millis();
        long after = JitClock.millis();
        assertThat(before).isNotNegative();
        assertThat(after).isGreaterThanOrEqualTo(before);
    }
}
