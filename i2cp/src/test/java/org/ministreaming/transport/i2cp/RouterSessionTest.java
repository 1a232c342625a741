package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The reconnect schedule of {@link RouterSession}, without waiting for it. */
class RouterSessionTest {

    @Test
    void reconnectingWaitsOneSecondThenTwiceAsLongAfterEachFailureUpToThirtySeconds() {
        long[] delays = IntStream.range(0, 8).mapToLong(RouterSession::retryDelayMillis).toArray();

        assertThat(delays).containsExactly(1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000);
    }

    @Test
    void theDelayStaysAtThirtySecondsHoweverLongTheRouterIsGone() {
        assertThat(RouterSession.retryDelayMillis(64)).isEqualTo(30_000);
        assertThat(RouterSession.retryDelayMillis(Integer.MAX_VALUE)).isEqualTo(30_000);
    }
}
