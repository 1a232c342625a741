package org.ministreaming.transport.reliable;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.attribution.SenderAttribution;

/** Makes a {@link ReliableTransport}, from {@link ReliableTransport#builder}; every option has a default. Not
 * thread-safe: use from one thread. */
public final class ReliableTransportBuilder {
    private final Transport inner;
    private int window = ReliableTransport.DEFAULT_WINDOW;
    private int callbackAllowance = -1;
    private Duration minRto = ReliableTransport.DEFAULT_MIN_RTO;
    private Duration initialRto = ReliableTransport.DEFAULT_INITIAL_RTO;
    private Duration maxRto = ReliableTransport.DEFAULT_MAX_RTO;
    private int maxRetries = ReliableTransport.DEFAULT_MAX_RETRIES;
    private Duration ackDelay = ReliableTransport.DEFAULT_ACK_DELAY;
    private Duration closeLinger = ReliableTransport.DEFAULT_CLOSE_LINGER;
    private Predicate<Destination> startPlain = peer -> false;
    private Random random;

    ReliableTransportBuilder(Transport inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** Messages per peer that may be unacknowledged (1-4096, default 64); also how far ahead a message may arrive and be held. */
    public ReliableTransportBuilder window(int messages) {
        if (messages < 1 || messages > 4096) {
            throw new IllegalArgumentException("window must be 1-4096 messages: " + messages);
        }
        this.window = messages;
        return this;
    }

    /** Replies ({@link org.ministreaming.transport.Transport#reply}) that may queue beyond a full window; more are dropped (0-4096; default: the window). */
    public ReliableTransportBuilder callbackAllowance(int messages) {
        if (messages < 0 || messages > 4096) {
            throw new IllegalArgumentException("callbackAllowance must be 0-4096 messages: " + messages);
        }
        this.callbackAllowance = messages;
        return this;
    }

    /** The floor of the retransmission timeout (default 200 ms; RFC 6298 says 1 s). */
    public ReliableTransportBuilder minRto(Duration floor) {
        this.minRto = positive("minRto", floor);
        return this;
    }

    /** The retransmission timeout until a round trip was measured (default 1 s). */
    public ReliableTransportBuilder initialRto(Duration rto) {
        this.initialRto = positive("initialRto", rto);
        return this;
    }

    /** The ceiling of the retransmission timeout, backoff included (default 60 s). */
    public ReliableTransportBuilder maxRto(Duration ceiling) {
        this.maxRto = positive("maxRto", ceiling);
        return this;
    }

    /** Timeouts of one message before its peer is declared lost (0-30, default 8). */
    public ReliableTransportBuilder maxRetries(int retries) {
        if (retries < 0 || retries > 30) {
            throw new IllegalArgumentException("maxRetries must be 0-30: " + retries);
        }
        this.maxRetries = retries;
        return this;
    }

    /** How long an acknowledgement may wait for a data frame to ride on (default 20 ms; 0 acknowledges every frame at once). */
    public ReliableTransportBuilder ackDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("ackDelay must not be negative: " + delay);
        }
        this.ackDelay = delay;
        return this;
    }

    /** How long {@code close()} waits for frames in flight to be acknowledged (default 1 s; 0 for not at all). */
    public ReliableTransportBuilder closeLinger(Duration linger) {
        if (linger.isNegative()) {
            throw new IllegalArgumentException("closeLinger must not be negative: " + linger);
        }
        this.closeLinger = linger;
        return this;
    }

    /**
     * Which peers not heard from yet get plain messages instead of frames (default: none).
     * Name peers running the original implementation here if we may speak first: it would
     * drop our frames. A peer that sends us a frame before we sent it anything is reliable
     * all the same.
     */
    public ReliableTransportBuilder startPlain(Predicate<Destination> peers) {
        this.startPlain = Objects.requireNonNull(peers, "peers");
        return this;
    }

    /** The source of epochs (default: a {@link SecureRandom}); for repeatable tests. */
    public ReliableTransportBuilder random(Random source) {
        this.random = Objects.requireNonNull(source, "source");
        return this;
    }

    /**
     * The transport.
     *
     * @throws IllegalArgumentException if the RTO floor exceeds the ceiling, or the ack delay is not below the floor
     */
    public ReliableTransport build() {
        if (minRto.compareTo(maxRto) > 0) {
            throw new IllegalArgumentException("minRto " + minRto + " is above maxRto " + maxRto);
        }
        if (ackDelay.compareTo(minRto) >= 0) {
            throw new IllegalArgumentException("ackDelay " + ackDelay + " must be below minRto " + minRto
                    + ", or every delayed acknowledgement would come after a retransmission");
        }
        ReliableTransport.Settings settings = new ReliableTransport.Settings(window, callbackAllowance < 0 ? window : callbackAllowance, minRto.toNanos(),
                initialRto.toNanos(), maxRto.toNanos(), maxRetries, ackDelay.toNanos(), closeLinger.toNanos(), startPlain,
                random != null ? random : new SecureRandom());
        return new ReliableTransport(SenderAttribution.over(inner), settings);
    }

    private static Duration positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}
