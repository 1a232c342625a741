package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;

/** {@link CreditWait}: a wait for credit probes the peer every probe interval, and ends at the write timeout. */
class CreditWaitTest {

    private static final Destination PEER = MemoryNetwork.destination("peer");
    private static final long PROBE = CreditWait.PROBE_NANOS;
    private static final long START = 1_000_000_000L;

    @Test
    void withoutATimeoutItWaitsOneProbeIntervalAtATimeAndAsksForAProbeAfterEach() throws Exception {
        CreditWait wait = new CreditWait(0, START);
        assertThat(wait.next(START, PEER)).isEqualTo(PROBE);
        assertThat(wait.next(START + PROBE / 4, PEER)).isEqualTo(PROBE - PROBE / 4);
        assertThat(wait.next(START + PROBE, PEER)).as("probe now").isZero();
        assertThat(wait.next(START + PROBE, PEER)).as("the next probe a whole interval later").isEqualTo(PROBE);
        assertThat(wait.next(START + 100 * PROBE, PEER)).isZero();
    }

    @Test
    void withATimeoutItNeverWaitsBeyondTheDeadlineAndThenFailsNamingThePeer() throws Exception {
        long timeout = TimeUnit.NANOSECONDS.toMillis(PROBE) * 3 / 2;
        long deadline = START + TimeUnit.MILLISECONDS.toNanos(timeout);
        CreditWait wait = new CreditWait(timeout, START);
        assertThat(wait.next(START, PEER)).isEqualTo(PROBE);
        assertThat(wait.next(START + PROBE, PEER)).isZero();
        assertThat(wait.next(START + PROBE, PEER)).as("up to the deadline, not a whole interval").isEqualTo(deadline - START - PROBE);
        assertThatThrownBy(() -> wait.next(deadline, PEER)).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("Write timed out after " + timeout + " ms").hasMessageContaining(PEER.toString());
    }

    @Test
    void aTimeoutShorterThanTheProbeIntervalEndsTheWaitWithoutAProbe() throws Exception {
        CreditWait wait = new CreditWait(10, START);
        assertThat(wait.next(START, PEER)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        assertThatThrownBy(() -> wait.next(START + TimeUnit.MILLISECONDS.toNanos(10), PEER)).isInstanceOf(SocketTimeoutException.class);
    }
}
