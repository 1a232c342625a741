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
                        pipe.put(item, Placement.tail(), NOW, () -> { });
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
                    Boolean refused = pipe.offer(item, Placement.overtaking(op.n()), true, Admission.within(limit));
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
                    pipe.offer(item, (queued, passed) -> queued[1] > item[1], true, (weight, h, count) -> null);
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

    /**
     * Two lanes against two lists: puts (which fail rather than wait) and offers into either lane,
     * writers held and let go, takes, batches polled and removals. The reader always meets the lane
     * ahead first, each lane keeps its order and its own bound, an admission is told its own lane,
     * and a held writer never gets in.
     */
    @Property(tries = 300)
    void theLaneAheadIsReadFirstAndEachLaneKeepsItsOwnBound(@ForAll("operations") List<Op> ops,
                                                            @ForAll @IntRange(min = 1, max = 60) int capacity) throws IOException {
        Pipe<int[]> pipe = new Pipe<>(capacity, item -> item[1], cause -> new IOException(cause.getMessage(), cause));
        List<LinkedList<int[]>> lanes = List.of(new LinkedList<>(), new LinkedList<>());
        boolean held = false;
        int next = 0;
        for (Op op : ops) {
            LinkedList<int[]> lane = lanes.get(op.n() % 2);
            Placement<int[]> at = op.n() % 2 == 0 ? Placement.ahead() : Placement.tail();
            long laneHeld = lane.stream().mapToLong(item -> item[1]).sum();
            boolean fits = laneHeld == 0 || op.weight() <= capacity - laneHeld;
            switch (op.kind()) {
                case 0, 1 -> {
                    int[] item = {next++, op.weight()};
                    try {
                        assertThat(pipe.put(item, at, NOW, () -> { })).isTrue();
                        assertThat(fits && !held).as("a put that went in had room and was not held").isTrue();
                        lane.addLast(item);
                    } catch (SocketTimeoutException e) {
                        assertThat(fits && !held).as("a put that waited had no room or was held").isFalse();
                    }
                }
                case 2 -> {
                    int[] item = {next++, op.weight()};
                    long[] told = new long[2];
                    Boolean refused = pipe.offer(item, at, true, (weight, h, count) -> {
                        told[0] = h;
                        told[1] = count;
                        return Admission.within(capacity).refuse(weight, h, count);
                    });
                    assertThat(told).containsExactly(laneHeld, lane.size());
                    assertThat(refused == null).as("an offer is never held").isEqualTo(fits);
                    if (fits) {
                        lane.addLast(item);
                    }
                }
                case 3 -> {
                    held = !held;
                    pipe.holdWriters(held);
                }
                case 4 -> {
                    List<int[]> batch = pipe.poll(items -> {
                        List<int[]> taken = new ArrayList<>();
                        for (int i = 0; i <= op.n() && items.peek() != null; i++) {
                            taken.add(items.take());
                        }
                        return taken;
                    });
                    List<int[]> expected = new ArrayList<>();
                    for (int i = 0; i <= op.n() && lanes.get(0).size() + lanes.get(1).size() > 0; i++) {
                        expected.add(lanes.get(0).isEmpty() ? lanes.get(1).removeFirst() : lanes.get(0).removeFirst());
                    }
                    if (expected.isEmpty()) {
                        assertThat(batch).isNull();
                    } else {
                        assertThat(batch).containsExactlyElementsOf(expected);
                    }
                }
                case 5 -> {
                    int mod = op.n() + 2;
                    long dropped = lanes.stream().flatMap(List::stream).filter(item -> item[0] % mod == 0).mapToLong(item -> item[1]).sum();
                    assertThat(pipe.removeIf(item -> item[0] % mod == 0)).isEqualTo(dropped);
                    lanes.forEach(model -> model.removeIf(item -> item[0] % mod == 0));
                }
                default -> {
                    if (lanes.get(0).size() + lanes.get(1).size() > 0) {
                        assertThat(pipe.take(NOW)).isSameAs(lanes.get(0).isEmpty() ? lanes.get(1).removeFirst() : lanes.get(0).removeFirst());
                    }
                }
            }
            assertThat(pipe.size()).isEqualTo(lanes.get(0).size() + lanes.get(1).size());
            assertThat(pipe.held()).isEqualTo(lanes.stream().flatMap(List::stream).mapToLong(item -> item[1]).sum());
        }
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
                    pipe.put(weight, Placement.tail(), NOW, () -> { });
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
