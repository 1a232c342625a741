package org.ministreaming.transport.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.TransportThreads;

/**
 * One endpoint of a {@link MemoryNetwork}, registered under {@code mem:NAME}. Arriving messages
 * are handed to the receiver one at a time and in each sender's order: by the sender's own thread,
 * inside its {@link #send}, when the link has no faults or simulated path and the receiving
 * endpoint's delivery thread is idle (the sender hands over what was queued before its message
 * first; while another sender's thread is handing a message over, it leaves its message to that
 * thread, which hands it over before it returns); otherwise by the endpoint's daemon delivery
 * thread ({@link Inbox} says how). Replies always go by the delivery thread, so a receiver is
 * never called from inside a call of its own endpoint (a receiver that answers by {@link #reply},
 * as it must).
 * {@link #close} waits for a message being handed over and for the delivery thread to end; called
 * by the receiver from inside its own callback, it returns at once, and the delivery thread ends
 * once that callback has returned.
 *
 * <p>Thread-safe. {@link #send} blocks while the peer's inbox is full, {@link #offerLent} takes
 * nothing then and {@link #whenRoom} tells when the inbox has room again; {@link #reply} never
 * blocks: it goes ahead of senders waiting for room, and is dropped (returning {@code false})
 * once the peer's inbox holds twice its bound. An endpoint keeps nothing per peer, so
 * {@link #forget} has nothing to drop.
 */
public final class MemoryTransport implements Transport {

    private static final System.Logger LOG = System.getLogger(MemoryTransport.class.getName());

    private final MemoryNetwork network;
    private final Destination local;
    private final Inbox inbox;
    private volatile Thread deliveryThread;
    /** Hands one envelope to the receiver ({@link #deliver}); null until {@link #start}. */
    private volatile Consumer<Inbox.Envelope> handOver;
    private volatile boolean closed;

    MemoryTransport(MemoryNetwork network, Destination local, long inboxBytes) {
        this.network = network;
        this.local = local;
        this.inbox = new Inbox(inboxBytes);
    }

    @Override
    public Destination localDestination() {
        return local;
    }

    /** The URI in UTF-8. */
    @Override
    public byte[] synPayload() {
        return local.uri().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (deliveryThread != null) {
            throw new IllegalStateException("already started");
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        Consumer<Inbox.Envelope> to = envelope -> deliver(receiver, envelope);
        handOver = to;
        deliveryThread = new DeliveryThread(to);
        deliveryThread.start();
    }

    @Override
    public void send(Destination to, ByteBuffer message) throws IOException {
        send(to, message, ByteBuffer.allocate(0));
    }

    /** Sends one message of two parts; they are copied once, into the one array the receiver gets. */
    @Override
    public void send(Destination to, ByteBuffer header, ByteBuffer payload) throws IOException {
        carry(to, header, payload, Inbox.Mode.WAIT);
    }

    /**
     * Sends one data message as {@link #send} does if the peer's inbox has room for it now (it
     * holds at most half its bound, or the message fits), copied before it returns; else takes
     * nothing, and {@link #whenRoom} tells when to offer again. Never waits.
     */
    @Override
    public boolean offerLent(Destination to, ByteBuffer message, Runnable sent) throws IOException {
        if (!carry(to, message, ByteBuffer.allocate(0), Inbox.Mode.OFFER)) {
            return false;
        }
        sent.run();
        return true;
    }

    /**
     * Hands one message of two parts to the peer's receiver on the calling thread if its inbox is
     * idle, copied once like {@link #send}, or leaves it to the thread handing messages over to it
     * now; else takes nothing. Never waits.
     */
    @Override
    public boolean sendNow(Destination to, ByteBuffer header, ByteBuffer payload) {
        return !closed && network.carryNow(local, to, () -> copy(header, payload));
    }

    /**
     * Queues the SYN for the peer's delivery thread if its inbox has room, as a reply: never
     * handed over on the calling thread, so that the peer's answer, and all that a connect which
     * does not wait sets off in callbacks run in place, never runs inside its caller (a caller that
     * connects again from such a callback would otherwise nest one level deeper per connection).
     */
    @Override
    public boolean openNow(Destination to, ByteBuffer syn) {
        return reply(to, syn);
    }

    /** Runs {@code wake} once the peer's inbox holds at most half its bound, on a thread that took messages out of it. */
    @Override
    public void whenRoom(Destination to, Runnable wake) {
        network.whenRoom(to, wake);
    }

    @Override
    public boolean reply(Destination to, ByteBuffer message) {
        return reply(to, message, ByteBuffer.allocate(0));
    }

    /** Sends one control message of two parts without waiting, copied once like {@link #send}. */
    @Override
    public boolean reply(Destination to, ByteBuffer header, ByteBuffer payload) {
        try {
            return !closed && network.carry(local, to, copy(header, payload), Inbox.Mode.REPLY, () -> !closed);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "no reply from " + local + " to " + to + ": " + e.getMessage());
            return false;
        }
    }

    /** Carries a copy of one message of two parts as {@code mode} says ({@link MemoryNetwork#carry}); fails once this endpoint is closed. */
    private boolean carry(Destination to, ByteBuffer header, ByteBuffer payload, Inbox.Mode mode) throws IOException {
        if (closed) {
            throw new IOException("endpoint " + local + " is closed");
        }
        return network.carry(local, to, copy(header, payload), mode, () -> !closed);
    }

    /** A copy, as a network would make: what the receiver holds shares nothing with the sender. */
    private static ByteBuffer copy(ByteBuffer header, ByteBuffer payload) {
        byte[] bytes = new byte[header.remaining() + payload.remaining()];
        header.duplicate().get(bytes, 0, header.remaining());
        payload.duplicate().get(bytes, header.remaining(), payload.remaining());
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    boolean enqueue(Inbox.Envelope envelope, int overtake, Inbox.Mode mode, BooleanSupplier senderOpen) throws IOException {
        return inbox.put(envelope, overtake, mode, senderOpen);
    }

    /**
     * A sender's thread hands {@code envelope} to the receiver now, if this endpoint has started
     * and its inbox is idle ({@link Inbox#deliverNow}); never waits.
     *
     * @return whether it was delivered; if not, the caller queues it
     */
    boolean deliverNow(Inbox.Envelope envelope) {
        Consumer<Inbox.Envelope> to = handOver;
        return to != null && inbox.deliverNow(envelope, to);
    }

    Inbox inbox() {
        return inbox;
    }

    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            thread = deliveryThread;
        }
        network.unregister(this);
        boolean fromCallback = inbox.close();
        network.wakeWaitingSenders();
        if (!fromCallback) {
            TransportThreads.joinUninterruptibly(thread);
        }
    }

    @Override
    public String toString() {
        return "MemoryTransport[" + local + "]";
    }

    /** Hands one envelope over; a receiver's defect costs that message, not the endpoint. */
    private void deliver(Receiver to, Inbox.Envelope envelope) {
        try {
            if (envelope.bytes() == null) {
                to.onPeerLost(envelope.from(), new IOException("link between " + local + " and " + envelope.from() + " was cut"));
            } else {
                to.onMessage(envelope.from(), envelope.bytes());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "receiver of " + local + " failed on a message from " + envelope.from(), e);
        }
    }

    /** Hands the inbox's contents to the receiver, one at a time. */
    private final class DeliveryThread extends Thread {
        private final Consumer<Inbox.Envelope> handOver;

        DeliveryThread(Consumer<Inbox.Envelope> handOver) {
            super("ministreaming-memory-" + local.uri());
            setDaemon(true);
            this.handOver = handOver;
        }

        @Override
        public void run() {
            try {
                while (inbox.deliverNext(handOver)) {
                    // each turn hands over one envelope, unless a cut discarded it meanwhile
                }
            } catch (InterruptedIOException e) {
                // The interrupt flag is kept; the thread ends.
            }
        }
    }
}
