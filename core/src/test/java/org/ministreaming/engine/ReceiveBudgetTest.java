package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * {@link ReceiveBudget}: reservations never take it past its limit, releases give back exactly
 * what was held, the largest holder is the one to evict; as unit tests, as a property over any
 * sequence of steps, and under contention.
 */
class ReceiveBudgetTest {

    @Test
    void reservesUpToTheLimitAndRefusesBeyondIt() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(100);

        assertThat(budget.tryReserve("a", 60)).isTrue();
        assertThat(budget.tryReserve("b", 40)).isTrue();
        assertThat(budget.tryReserve("a", 1)).isFalse();

        assertThat(budget.used()).isEqualTo(100);
        assertThat(budget.held("a")).isEqualTo(60);
        assertThat(budget.held("b")).isEqualTo(40);
        assertThat(budget.highWater()).isEqualTo(100);
    }

    @Test
    void releasingGivesRoomBackAndForgetsHoldersThatHoldNothing() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(100);
        budget.tryReserve("a", 60);
        budget.tryReserve("b", 40);

        budget.release("a", 60);
        budget.release("b", 15);

        assertThat(budget.used()).isEqualTo(25);
        assertThat(budget.holders()).isEqualTo(1);
        assertThat(budget.tryReserve("c", 75)).isTrue();
        assertThat(budget.highWater()).isEqualTo(100);
    }

    @Test
    void releasingMoreThanHeldIsRefusedAndChangesNothing() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(100);
        budget.tryReserve("a", 10);

        assertThatThrownBy(() -> budget.release("a", 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> budget.release("nobody", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> budget.release("a", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> budget.tryReserve("a", -1)).isInstanceOf(IllegalArgumentException.class);

        assertThat(budget.used()).isEqualTo(10);
        assertThat(budget.held("a")).isEqualTo(10);
    }

    @Test
    void theLargestHolderIsTheOneToEvict() {
        ReceiveBudget<String> budget = new ReceiveBudget<>(1000);
        assertThat(budget.largestHolder()).isEmpty();
        budget.tryReserve("small", 10);
        budget.tryReserve("large", 300);
        budget.tryReserve("middle", 200);

        assertThat(budget.largestHolder()).contains("large");

        budget.release("large", 250);
        assertThat(budget.largestHolder()).contains("middle");
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new ReceiveBudget<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** One step: reserve {@code amount} for {@code holder}, or release up to {@code amount} of what it holds. */
    record Step(boolean reserve, int holder, long amount) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 5),
                Arbitraries.longs().between(0, 5_000)).as(Step::new).list().ofMaxSize(300);
    }

    @Property(tries = 1000)
    void usageIsNeverNegativeNeverAboveTheLimitAndAlwaysTheSumOfTheHolders(
            @ForAll("steps") List<Step> steps, @ForAll @LongRange(min = 1, max = 20_000) long limit) {
        ReceiveBudget<Integer> budget = new ReceiveBudget<>(limit);
        Map<Integer, Long> model = new HashMap<>();
        for (Step step : steps) {
            long holds = model.getOrDefault(step.holder(), 0L);
            if (step.reserve()) {
                long used = model.values().stream().mapToLong(Long::longValue).sum();
                boolean fits = used + step.amount() <= limit;
                assertThat(budget.tryReserve(step.holder(), step.amount())).isEqualTo(fits);
                if (fits) {
                    model.put(step.holder(), holds + step.amount());
                }
            } else {
                long amount = Math.min(holds, step.amount());
                budget.release(step.holder(), amount);
                model.put(step.holder(), holds - amount);
            }
            long sum = model.values().stream().mapToLong(Long::longValue).sum();
            assertThat(budget.used()).isEqualTo(sum).isBetween(0L, limit);
            assertThat(budget.highWater()).isBetween(budget.used(), limit);
            for (int holder = 0; holder <= 5; holder++) {
                assertThat(budget.held(holder)).isEqualTo(model.getOrDefault(holder, 0L));
            }
            long most = model.values().stream().mapToLong(Long::longValue).max().orElse(0);
            assertThat(budget.largestHolder().map(budget::held).orElse(0L)).isEqualTo(most);
        }
    }

    @Test
    void concurrentHoldersNeverTakeItPastTheLimitAndLeaveItEmpty() throws Exception {
        long limit = 2_000;
        ReceiveBudget<Integer> budget = new ReceiveBudget<>(limit);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> holders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int holder = t;
                holders.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200_000; i++) {
                        long amount = 1 + (i * 31L + holder) % 997;
                        if (budget.tryReserve(holder, amount)) {
                            budget.release(holder, amount);
                        }
                    }
                    return null;
                }));
            }
            Future<Long> watcher = pool.submit(() -> {
                long most = 0;
                start.await();
                while (!holders.stream().allMatch(Future::isDone)) {
                    most = Math.max(most, budget.used());
                }
                return most;
            });
            start.countDown();
            for (Future<?> holder : holders) {
                holder.get(60, TimeUnit.SECONDS);
            }
            assertThat(watcher.get(60, TimeUnit.SECONDS)).isLessThanOrEqualTo(limit);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(budget.used()).isZero();
        assertThat(budget.holders()).isZero();
        assertThat(budget.highWater()).isBetween(1L, limit);
    }
}
