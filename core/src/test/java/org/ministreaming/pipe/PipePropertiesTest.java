package org.ministreaming.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Pipe} against a plain list, one operation at a time: whatever the mix of waiting writes
 * that find room, offers under a limit and with a placement, whole and partial reads and removals,
 * the pipe holds exactly the model's items in the model's order, its weight is their sum, and
 * neither kind of writer ever takes it beyond its bound (but for one heavy item in an empty pipe).
 */
class PipePropertiesTest {

    private static final Deadline NOW = Deadline.in(0, () -> new SocketTimeoutException("no room now"), () -> "interrupted");

    /** An operation, decoded from three numbers. */
    record Op(int kind, int weight, int n) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 5)).as(Op::new);
        return op.list().ofMaxSize(80);
    }

    @Property(tries = 300)
    void thePipeIsTheModelAndKeepsItsBounds(@ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 60) int capacity)
            throws IOException {
        Pipe<int[]> pipe = new Pipe<>(capacity, item -> item[1], cause -> new IOException(cause.getMessage(), cause));
        LinkedList<int[]> model = new LinkedList<>();
        int next = 0;
        for (Op op : ops) {
            long held = model.stream().mapToLong(item -> item[1]).sum();
            switch (op.kind()) {
                case 0 -> {
                    int[] item = {next++, op.weight()};
                    boolean fits = held == 0 || op.weight() <= capacity - held;
                    try {
                        pipe.put(item, Pipe.tail(), NOW, () -> { });
                        assertThat(fits).as("a put that went in had room").isTrue();
                        model.addLast(item);
                    } catch (SocketTimeoutException e) {
                        assertThat(fits).as("a put that waited had no room").isFalse();
                    }
                }
                case 1, 2 -> {
                    int[] item = {next++, op.weight()};
                    long limit = op.kind() == 1 ? capacity : 2L * capacity;
                    boolean fits = held == 0 || op.weight() <= limit - held;
                    Boolean refused = pipe.offer(item, Pipe.overtaking(op.n()), Pipe.within(limit));
                    assertThat(refused == null).isEqualTo(fits);
                    if (fits) {
                        model.add(Math.max(0, model.size() - op.n()), item);
                    }
                }
                case 3 -> {
                    if (model.isEmpty()) {
                        continue;
                    }
                    assertThat(pipe.take(NOW)).isSameAs(model.removeFirst());
                }
                case 4 -> {
                    if (model.isEmpty() || model.getFirst()[1] == 0) {
                        continue;
                    }
                    int part = Math.min(op.n() + 1, model.getFirst()[1]);
                    pipe.read(NOW, items -> {
                        items.peek()[1] -= part;
                        items.consumed(part);
                        return null;
                    });
                }
                case 5 -> {
                    int mod = op.n() + 2;
                    long dropped = model.stream().filter(item -> item[0] % mod == 0).mapToLong(item -> item[1]).sum();
                    assertThat(pipe.removeIf(item -> item[0] % mod == 0)).isEqualTo(dropped);
                    model.removeIf(item -> item[0] % mod == 0);
                }
                default -> {
                    int[] item = {next++, op.weight()};
                    pipe.offer(item, (queued, passed) -> queued[1] > item[1], (weight, h, count) -> null);
                    int at = model.size();
                    while (at > 0 && model.get(at - 1)[1] > item[1]) {
                        at--;
                    }
                    model.add(at, item);
                }
            }
            assertThat(pipe.size()).isEqualTo(model.size());
            assertThat(pipe.held()).isEqualTo(model.stream().mapToLong(item -> item[1]).sum());
        }
        List<int[]> drained = new ArrayList<>();
        pipe.finish();
        for (int[] item; (item = pipe.take(NOW)) != null;) {
            drained.add(item);
        }
        assertThat(drained).containsExactlyElementsOf(model);
        assertThat(pipe.held()).isZero();
    }

    /** With items that weigh something, a pipe beyond its capacity holds one item only. */
    @Property(tries = 200)
    void waitingWritersNeverGoBeyondTheCapacity(@ForAll("operations") List<Op> ops, @ForAll @IntRange(min = 1, max = 60) int capacity)
            throws IOException {
        Pipe<Integer> pipe = new Pipe<>(capacity, Integer::longValue, cause -> cause);
        for (Op op : ops) {
            if (op.kind() < 4) {
                int weight = op.weight() + 1;
                try {
                    pipe.put(weight, Pipe.tail(), NOW, () -> { });
                } catch (SocketTimeoutException full) {
                    assertThat(pipe.held() + weight).isGreaterThan(capacity);
                }
            } else if (pipe.size() > 0) {
                pipe.take(NOW);
            }
            assertThat(pipe.held() <= capacity || pipe.size() == 1).as("held %d in %d items", pipe.held(), pipe.size()).isTrue();
        }
    }
}
