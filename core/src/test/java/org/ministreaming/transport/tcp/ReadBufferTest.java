package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;

/** {@link ReadBuffer}: lent views stay unchanged until given back, and the buffer comes back to its pool once, when all are. */
class ReadBufferTest {

    private final DirectBuffers pool = new DirectBuffers(64, 4, 2);

    @Test
    void theBufferGoesBackToThePoolOnlyOnceTheLinkAndEveryViewHaveLetGo() {
        ReadBuffer read = ReadBuffer.take(pool);
        ByteBuffer memory = read.bytes();
        memory.put(new byte[] {1, 2, 3, 4, 5, 6});
        ReadBuffer.Loan first = read.lend(0, 2);
        ReadBuffer.Loan second = read.lend(2, 3);
        assertThat(pool.onLoan()).isEqualTo(1);

        read.letGo();
        first.run();
        assertThat(pool.take()).as("a view is still out: the pool has nothing to give but a new buffer").isNotSameAs(memory);
        second.run();
        assertThat(pool.onLoan()).isZero();
        assertThat(pool.take()).as("all let go: the same memory, reused").isSameAs(memory);
    }

    @Test
    void aViewShowsItsBytesReadOnlyAndGivingItBackAgainHasNoEffect() {
        ReadBuffer read = ReadBuffer.take(pool);
        read.bytes().put(new byte[] {9, 8, 7, 6});
        ReadBuffer.Loan loan = read.lend(1, 2);
        assertThat(loan.view().remaining()).isEqualTo(2);
        assertThat(loan.view().get(0)).isEqualTo((byte) 8);
        assertThat(loan.view().get(1)).isEqualTo((byte) 7);
        Assertions.assertThatThrownBy(() -> loan.view().put(0, (byte) 0)).isInstanceOf(ReadOnlyBufferException.class);

        loan.run();
        loan.run();
        assertThat(pool.take()).as("the link still holds it: not back in the pool").isNotSameAs(read.bytes());
        read.letGo();
        ByteBuffer reused = pool.take();
        assertThat(reused).isSameAs(read.bytes());
        assertThat(pool.take()).as("given back once, so in the pool once").isNotSameAs(reused);
        assertThat(pool.onLoan()).isZero();
    }

    @Test
    void thePoolLendsAtMostItsNumberOfBuffersAndLendsAgainOnceOneComesBack() {
        ReadBuffer a = ReadBuffer.take(pool);
        ReadBuffer b = ReadBuffer.take(pool);
        ReadBuffer c = ReadBuffer.take(pool);
        ReadBuffer.Loan fromA = a.lend(0, 1);
        assertThat(b.lend(0, 1)).isNotNull();
        assertThat(a.lend(1, 1)).as("a buffer on loan lends more of itself").isNotNull().satisfies(ReadBuffer.Loan::run);
        assertThat(c.lend(0, 1)).as("two buffers out on loan: the third must copy").isNull();
        assertThat(c.lent()).isFalse();

        a.letGo();
        fromA.run();
        assertThat(pool.onLoan()).isEqualTo(1);
        assertThat(c.lend(0, 1)).isNotNull();
        assertThat(c.lent()).isTrue();
    }

    @Test
    void anUnfinishedFrameMovesToAFreshBufferAndTheLentViewsKeepTheirBytes() {
        ReadBuffer read = ReadBuffer.take(pool);
        read.bytes().put(new byte[] {1, 2, 3, 4, 5, 6, 7});
        ReadBuffer.Loan loan = read.lend(0, 4);
        ReadBuffer next = read.moveTail(4);

        assertThat(next.bytes().position()).isEqualTo(3);
        assertThat(new byte[] {next.bytes().get(0), next.bytes().get(1), next.bytes().get(2)}).containsExactly(5, 6, 7);
        next.bytes().put(new byte[] {0, 0, 0, 0, 0});
        byte[] seen = new byte[4];
        loan.view().get(0, seen);
        assertThat(seen).containsExactly(1, 2, 3, 4);
        assertThat(next.lent()).isFalse();

        loan.run();
        assertThat(pool.onLoan()).as("the old buffer came back: the tail's move let it go").isZero();
        next.letGo();
    }

    @RepeatedTest(200)
    void viewsGivenBackOnManyThreadsAtOnceReturnTheBufferToThePoolExactlyOnce() throws Exception {
        ReadBuffer read = ReadBuffer.take(pool);
        ByteBuffer memory = read.bytes();
        List<ReadBuffer.Loan> loans = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            loans.add(read.lend(i, 1));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                loans.forEach(ReadBuffer.Loan::run); // every thread gives every loan back: only the first counts
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        read.letGo();
        for (Thread thread : threads) {
            thread.join(Await.LIMIT.toMillis());
            assertThat(thread.isAlive()).isFalse();
        }

        assertThat(pool.onLoan()).isZero();
        assertThat(pool.take()).isSameAs(memory);
        assertThat(pool.take()).as("in the pool once").isNotSameAs(memory);
    }
}
