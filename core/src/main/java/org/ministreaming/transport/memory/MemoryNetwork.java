package org.ministreaming.transport.memory;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.ministreaming.transport.Destination;

/**
 * An in-JVM message network: endpoints register under names ({@code mem:alice}) and exchange
 * messages, delivered reliably and in order per sender and receiver unless {@link LinkFaults}
 * say otherwise, or a simulated I2P path set between two of them ({@link #setPath},
 * {@link PathConditions}) does. Links between two endpoints can be cut and restored, for tests.
 *
 * <p>Thread-safe.
 */
public final class MemoryNetwork {

    /** Bytes an endpoint's inbox holds before senders wait: 8 MiB. */
    public static final long DEFAULT_INBOX_BYTES = 8L << 20;

    private static final String SCHEME = "mem";

    private final ConcurrentHashMap<Destination, MemoryTransport> endpoints = new ConcurrentHashMap<>();
    private final Set<Set<Destination>> cutLinks = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<List<Destination>, OneWayPath> paths = new ConcurrentHashMap<>();
    private final Random random;
    private volatile LinkFaults faults = LinkFaults.NONE;

    /** A network whose random faults are seeded from the clock. */
    public MemoryNetwork() {
        this(new Random());
    }

    /**
     * A network whose random faults come from {@code random}, for repeatable tests.
     *
     * @param random the source of drop, duplicate and reorder decisions
     */
    public MemoryNetwork(Random random) {
        this.random = random;
    }

    /**
     * Registers a new endpoint under {@code mem:NAME}.
     *
     * @param name the name, for example {@code alice}
     * @return the endpoint, not yet started
     * @throws IllegalArgumentException if the name is taken or makes no valid URI
     */
    public MemoryTransport endpoint(String name) {
        Destination destination = destination(name);
        MemoryTransport transport = new MemoryTransport(this, destination, DEFAULT_INBOX_BYTES);
        if (endpoints.putIfAbsent(destination, transport) != null) {
            throw new IllegalArgumentException(destination + " is already registered on this network");
        }
        return transport;
    }

    /**
     * The destination an endpoint named {@code name} has.
     *
     * @param name the name, for example {@code alice}
     * @return {@code mem:NAME}
     */
    public static Destination destination(String name) {
        if (name.isEmpty() || name.startsWith(SCHEME + ":")) {
            throw new IllegalArgumentException("give the bare endpoint name, like 'alice', not '" + name + "'");
        }
        return Destination.of(SCHEME + ":" + name);
    }

    /** Applies {@code newFaults} to every message sent from now on. */
    public void setFaults(LinkFaults newFaults) {
        this.faults = Objects.requireNonNull(newFaults, "faults");
    }

    /**
     * Simulates an I2P path between two endpoints, with {@code conditions} in each direction and a
     * bandwidth queue of its own per direction: messages between them cross it instead of
     * meeting the {@link LinkFaults}. Setting it again changes the conditions from now on, and the
     * messages already queued for the bandwidth keep their place (stall a path by setting a loss
     * of 100 %, then set the old conditions again). A message that arrives at a full inbox is
     * dropped, as a router drops, instead of making its sender wait.
     */
    public void setPath(Destination a, Destination b, PathConditions conditions) {
        Objects.requireNonNull(conditions, "conditions");
        for (List<Destination> direction : List.of(List.of(a, b), List.of(b, a))) {
            paths.compute(direction, (key, path) -> {
                if (path == null) {
                    return new OneWayPath(conditions);
                }
                path.setConditions(conditions);
                return path;
            });
        }
    }

    /** Removes the simulated path between two endpoints; the {@link LinkFaults} apply to them again. */
    public void clearPath(Destination a, Destination b) {
        paths.remove(List.of(a, b));
        paths.remove(List.of(b, a));
    }

    /**
     * What the simulated path from {@code from} to {@code to} did with the messages sent over it.
     *
     * @throws IllegalArgumentException if there is no path between them
     */
    public PathCounts pathCounts(Destination from, Destination to) {
        OneWayPath path = paths.get(List.of(from, to));
        if (path == null) {
            throw new IllegalArgumentException("no simulated path from " + from + " to " + to);
        }
        return path.counts();
    }

    /**
     * Cuts the link between two endpoints: queued messages between them are lost, sends fail,
     * and each endpoint's receiver hears that it lost the other.
     */
    public void cut(Destination a, Destination b) {
        if (!cutLinks.add(link(a, b))) {
            return;
        }
        notifyCut(a, b);
        if (!a.equals(b)) {
            notifyCut(b, a);
        }
    }

    /** Restores a link cut by {@link #cut}. */
    public void restore(Destination a, Destination b) {
        cutLinks.remove(link(a, b));
    }

    /** The link between two endpoints, either way round; an endpoint's link to itself too. */
    private static Set<Destination> link(Destination a, Destination b) {
        return a.equals(b) ? Set.of(a) : Set.of(a, b);
    }

    private void notifyCut(Destination at, Destination lost) {
        MemoryTransport endpoint = endpoints.get(at);
        if (endpoint == null) {
            return;
        }
        endpoint.inbox().discard(envelope -> envelope.from().equals(lost));
        try {
            endpoint.enqueue(new Inbox.Envelope(lost, null, System.nanoTime()), 0, Inbox.Mode.REPLY, () -> true);
        } catch (IOException closed) {
            // The endpoint closed meanwhile; it has no receiver left to tell.
        }
    }

    /**
     * Carries one message: data on a link without faults or a simulated path is handed to the
     * receiver on this thread when its inbox is idle ({@link MemoryTransport#deliverNow}), and
     * otherwise waits for room in the receiver's inbox ({@link Inbox.Mode#WAIT}) or is queued only
     * if there is room now ({@link Inbox.Mode#OFFER}); a reply is always queued, without waiting.
     *
     * @return {@code false} if the receiver's inbox refused a reply, or had no room for an offer;
     *     a dropped message counts as carried, and so does one whose first copy was queued when
     *     the duplicate a fault made was refused
     */
    boolean carry(Destination from, Destination to, ByteBuffer bytes, Inbox.Mode mode, BooleanSupplier senderOpen) throws IOException {
        if (!cutLinks.isEmpty() && cutLinks.contains(link(from, to))) {
            throw new IOException("link between " + from + " and " + to + " is cut");
        }
        MemoryTransport target = endpoints.get(to);
        if (target == null) {
            throw new ConnectException("no endpoint is registered at " + to);
        }
        OneWayPath path = paths.get(List.of(from, to));
        if (path != null) {
            OneWayPath.Crossing crossing = path.cross(bytes.remaining(), System.nanoTime(), random);
            if (crossing.outcome() == OneWayPath.Outcome.DELIVERED) {
                // A full inbox drops it, as a router's full queue would: lost on the way, not refused.
                target.inbox().putByDue(new Inbox.Envelope(from, bytes, crossing.dueNanos()));
            }
            return true;
        }
        LinkFaults current = faults;
        if (mode != Inbox.Mode.REPLY && current.equals(LinkFaults.NONE) && handOver(target, from, to, () -> bytes)) {
            return true;
        }
        if (chance(current.dropPercent())) {
            return true;
        }
        boolean duplicated = chance(current.duplicatePercent());
        boolean carried = enqueue(target, from, bytes, current, mode, senderOpen);
        if (carried && duplicated) {
            enqueue(target, from, bytes.duplicate(), current, mode, senderOpen); // refused: a copy lost, not the message
        }
        return carried;
    }

    /**
     * Carries one message only if it can be handed to the receiver on this thread now, or left to
     * the thread handing messages over to it ({@link MemoryTransport#deliverNow}): on a link without
     * faults, cut or simulated path, to another endpoint whose inbox is idle. Never waits, never throws.
     *
     * @return whether it was carried; if not, nothing of it was
     */
    boolean carryNow(Destination from, Destination to, Supplier<ByteBuffer> bytes) {
        MemoryTransport target = endpoints.get(to);
        return target != null && faults.equals(LinkFaults.NONE) && paths.get(List.of(from, to)) == null
                && (cutLinks.isEmpty() || !cutLinks.contains(link(from, to))) && handOver(target, from, to, bytes);
    }

    /**
     * Hands a message to another endpoint's receiver on this thread, or leaves it to the thread
     * handing messages over to it ({@link MemoryTransport#deliverNow}), if its inbox is idle; the
     * message is made only then. For a link the caller found without faults, cut or simulated path.
     */
    private static boolean handOver(MemoryTransport target, Destination from, Destination to, Supplier<ByteBuffer> bytes) {
        return !from.equals(to) && target.inbox().idle() && target.deliverNow(new Inbox.Envelope(from, bytes.get(), System.nanoTime()));
    }

    /** Queues one copy of a message at {@code target} as {@code faults} say: late, and perhaps ahead of others. */
    private boolean enqueue(MemoryTransport target, Destination from, ByteBuffer bytes, LinkFaults faults, Inbox.Mode mode,
            BooleanSupplier senderOpen) throws IOException {
        int overtake = faults.reorderWindow() > 1 ? random.nextInt(faults.reorderWindow()) : 0;
        return target.enqueue(new Inbox.Envelope(from, bytes, Inbox.nanosFromNow(faults.delay())), overtake, mode, senderOpen);
    }

    private boolean chance(double percent) {
        return percent > 0 && random.nextDouble() * 100 < percent;
    }

    void unregister(MemoryTransport transport) {
        endpoints.remove(transport.localDestination(), transport);
    }

    /**
     * Runs {@code wake} once when an offer to {@code to} may find room in its inbox
     * ({@link Inbox#whenRoom}); at once if no endpoint is registered there (an offer then fails).
     */
    void whenRoom(Destination to, Runnable wake) {
        MemoryTransport target = endpoints.get(to);
        if (target == null) {
            wake.run();
        } else {
            target.inbox().whenRoom(wake);
        }
    }

    /** Wakes every sender waiting for room in an inbox, so that one whose endpoint closed fails. */
    void wakeWaitingSenders() {
        endpoints.values().forEach(endpoint -> endpoint.inbox().wake());
    }
}
