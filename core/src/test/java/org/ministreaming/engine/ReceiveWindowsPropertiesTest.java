package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The growth policy of {@link ReceiveWindows} as a pure function, and its allowance over many
 * connections: windows only grow, never past the maximum, only when the reader kept up and the
 * last quarter window came within a round trip; and their growth together never exceeds half the
 * receive budget, whatever the connections do, and is given back when they end.
 */
class ReceiveWindowsPropertiesTest {

    private static final int FIRST = 64 * 1024;

    @Property(tries = 2000)
    void aWindowNeverShrinksNeverPassesTheMaximumAndAtMostDoubles(
            @ForAll @IntRange(min = 1, max = 1 << 30) int window, @ForAll @IntRange(min = 1, max = 1 << 30) int max,
            @ForAll @LongRange(min = -1, max = 10_000_000_000L) long since, @ForAll @LongRange(min = 0, max = 10_000_000_000L) long rtt,
            @ForAll boolean keptUp) {
        int next = ReceiveWindows.nextWindow(window, max, since, rtt, keptUp);

        assertThat(next).isGreaterThanOrEqualTo(window);
        assertThat(next).isLessThanOrEqualTo(Math.max(window, max));
        assertThat((long) next).isLessThanOrEqualTo(2L * window);
    }

    @Property(tries = 2000)
    void aWindowGrowsExactlyWhenTheReaderKeptUpAndAQuarterWindowCameWithinARoundTrip(
            @ForAll @IntRange(min = 1, max = 1 << 29) int window,
            @ForAll @LongRange(min = -1, max = 10_000_000_000L) long since, @ForAll @LongRange(min = 0, max = 10_000_000_000L) long rtt,
            @ForAll boolean keptUp) {
        int next = ReceiveWindows.nextWindow(window, 1 << 30, since, rtt, keptUp);

        boolean shouldGrow = keptUp && rtt > 0 && since >= 0 && since < rtt;
        assertThat(next).isEqualTo(shouldGrow ? 2 * window : window);
    }

    @Test
    void aFastReaderDoublesItsWindowAtEachGrantUpToTheMaximum() {
        ReceiveWindows windows = new ReceiveWindows(FIRST, 16 * FIRST, Long.MAX_VALUE);
        Credit credit = new Credit(FIRST, FIRST);
        long now = 1_000;
        List<Integer> seen = new ArrayList<>();
        for (int grant = 0; grant < 8; grant++) {
            windows.atGrant("fast", credit, now, 1_000_000, 0); // a grant every 10 us, a round trip of 1 ms
            credit.consumed(credit.receiveWindow());
            seen.add(credit.receiveWindow());
            now += 10_000;
        }

        // the first grant only starts the clock; then 2x per grant until 16 x 64 KiB
        assertThat(seen).containsExactly(FIRST, 2 * FIRST, 4 * FIRST, 8 * FIRST, 16 * FIRST, 16 * FIRST, 16 * FIRST, 16 * FIRST);
        assertThat(windows.growth("fast")).isEqualTo(15L * FIRST);
    }

    @Test
    void aSlowReaderWithItsBufferFullKeepsItsWindow() {
        ReceiveWindows windows = new ReceiveWindows(FIRST, 16 * FIRST, Long.MAX_VALUE);
        Credit credit = new Credit(FIRST, FIRST);
        for (int grant = 0; grant < 20; grant++) {
            windows.atGrant("slow", credit, 1_000L * grant, 1_000_000, FIRST - FIRST / 4); // three quarters still buffered
        }

        assertThat(credit.receiveWindow()).isEqualTo(FIRST);
        assertThat(windows.growth("slow")).isZero();
    }

    @Test
    void withoutAMeasuredRoundTripNothingGrows() {
        ReceiveWindows windows = new ReceiveWindows(FIRST, 16 * FIRST, Long.MAX_VALUE);
        Credit credit = new Credit(FIRST, FIRST);
        for (int grant = 0; grant < 20; grant++) {
            windows.atGrant("unmeasured", credit, 1_000L * grant, 0, 0);
        }

        assertThat(credit.receiveWindow()).isEqualTo(FIRST);
    }

    /** One grant of one connection, or (when {@code end}) the end of that connection. */
    record Event(int connection, long sinceNanos, int buffered, boolean end) {
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return Combinators.combine(Arbitraries.integers().between(0, 31), Arbitraries.longs().between(1, 3_000_000),
                        Arbitraries.integers().between(0, 4 * FIRST), Arbitraries.integers().between(0, 19).map(n -> n == 0))
                .as(Event::new).list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void manyConnectionsTogetherNeverGrowBeyondHalfTheBudgetAndGiveItBackWhenTheyEnd(
            @ForAll("events") List<Event> events, @ForAll @LongRange(min = 1, max = 64L * FIRST) long budget,
            @ForAll @IntRange(min = 1, max = 64 * FIRST) int max) {
        ReceiveWindows windows = new ReceiveWindows(FIRST, max, budget);
        Credit[] credits = new Credit[32];
        long[] clocks = new long[32];
        Object[] holders = new Object[32];
        for (Event event : events) {
            int i = event.connection();
            if (credits[i] == null) {
                credits[i] = new Credit(FIRST, FIRST);
                holders[i] = new Object();
            }
            if (event.end()) {
                windows.ended(holders[i]);
                windows.ended(holders[i]); // idempotent
                credits[i] = null;
                continue;
            }
            clocks[i] += event.sinceNanos();
            int before = credits[i].receiveWindow();
            windows.atGrant(holders[i], credits[i], clocks[i], 1_000_000, event.buffered());
            credits[i].consumed(credits[i].receiveWindow());

            assertThat(credits[i].receiveWindow()).isBetween(before, Math.max(before, max));
            long grown = 0;
            for (int j = 0; j < credits.length; j++) {
                if (credits[j] != null) {
                    assertThat(windows.growth(holders[j])).isEqualTo(credits[j].receiveWindow() - FIRST);
                    grown += credits[j].receiveWindow() - FIRST;
                }
            }
            assertThat(windows.growthHeld()).isEqualTo(grown).isLessThanOrEqualTo(Math.max(1, budget / 2));
        }
        for (int i = 0; i < credits.length; i++) {
            if (credits[i] != null) {
                windows.ended(holders[i]);
            }
        }
        assertThat(windows.growthHeld()).isZero();
    }
}
