package org.ministreaming.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link FreeList}: what is given back is taken again, up to the number kept; the rest is new. */
class FreeListTest {

    @Test
    void whatIsGivenBackIsTakenAgainAndBeyondTheNumberKeptNewOnesAreMade() {
        AtomicInteger made = new AtomicInteger();
        FreeList<int[]> list = new FreeList<>(2, () -> new int[] {made.incrementAndGet()});
        int[] a = list.take();
        int[] b = list.take();
        int[] c = list.take();
        assertThat(made.get()).isEqualTo(3);

        list.give(a);
        list.give(b);
        list.give(c); // a third is not kept
        assertThat(list.take()).isSameAs(a);
        assertThat(list.take()).isSameAs(b);
        assertThat(list.take()).as("none kept any more: a new one").isNotSameAs(c).satisfies(d -> assertThat(d[0]).isEqualTo(4));
    }
}
