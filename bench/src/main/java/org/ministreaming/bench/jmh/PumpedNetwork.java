package org.ministreaming.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * A network of transports without threads: a send only queues the message, and the benchmark
 * delivers queued messages on its own thread with {@link #pump}, so that what is measured is the
 * engines' own work, with no hand-off between threads.
 *
 * <p>Thread-safe: sends may come from any thread; {@link #pump} and {@link Endpoint#deliver}
 * run the receiving engine on the calling thread.
 */
final class PumpedNetwork {

    /** A message on its way. */
    private record InFlight(Destination from, Destination to, byte[] bytes) {
    }

    private final ArrayDeque<InFlight> queued = new ArrayDeque<>();
    private final Map<Destination, Endpoint> endpoints = new HashMap<>();

    /** A new endpoint {@code mem:NAME} on this network. */
    synchronized Endpoint endpoint(String name) {
        Endpoint endpoint = new Endpoint(Destination.of("mem:" + name));
        endpoints.put(endpoint.local, endpoint);
        return endpoint;
    }

    /** Delivers every queued message, and what their delivery queues, in order. */
    void pump() {
        while (true) {
            InFlight next;
            Endpoint to;
            synchronized (this) {
                next = queued.poll();
                if (next == null) {
                    return;
                }
                to = endpoints.get(next.to());
            }
            if (to != null) {
                to.deliver(next.from(), next.bytes());
            }
        }
    }

    /** Drops every queued message. */
    synchronized void discard() {
        queued.clear();
    }

    /**
     * Removes the oldest queued message and returns its bytes.
     *
     * @throws IllegalStateException if none is queued
     */
    synchronized byte[] take() {
        InFlight next = queued.poll();
        if (next == null) {
            throw new IllegalStateException("no message is queued");
        }
        return next.bytes();
    }

    private synchronized void queue(InFlight message) {
        queued.add(message);
    }

    /** One transport of the network. */
    final class Endpoint implements Transport {

        private final Destination local;
        private volatile Receiver receiver;

        private Endpoint(Destination local) {
            this.local = local;
        }

        @Override
        public Destination localDestination() {
            return local;
        }

        @Override
        public byte[] synPayload() {
            return local.uri().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void start(Receiver engine) {
            this.receiver = engine;
        }

        @Override
        public void send(Destination to, ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.duplicate().get(bytes);
            queue(new InFlight(local, to, bytes));
        }

        /** Queues a reply like any message: this network never blocks a sender. */
        @Override
        public boolean reply(Destination to, ByteBuffer message) {
            send(to, message);
            return true;
        }

        /** Hands {@code bytes} to this endpoint's engine on the calling thread, as a transport's reader would. */
        void deliver(Destination from, byte[] bytes) {
            receiver.onMessage(from, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        }

        @Override
        public void close() {
            synchronized (PumpedNetwork.this) {
                endpoints.remove(local);
            }
        }
    }
}
