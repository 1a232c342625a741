package org.ministreaming.transport.memory;

import java.time.Duration;
import java.util.Objects;

/**
 * How one direction of a simulated I2P path between two endpoints treats the messages it carries
 * ({@link MemoryNetwork#setPath}). A message is cut into {@value #FRAGMENT_BYTES}-byte fragments,
 * as I2P cuts a garlic message into tunnel messages of about 1 KiB; each fragment is lost
 * independently, and the message is lost with any of them. The fragments queue for the path's
 * bandwidth (each costs a whole fragment, as a tunnel message has a fixed size); a message that
 * does not fit in the queue behind them is dropped, as a router's full queue drops. What is not
 * lost arrives after the one-way latency, give or take the jitter, and messages are delivered in
 * the order they are due, so jitter reorders them as different tunnels do.
 *
 * <p>Immutable and thread-safe.
 *
 * @param latency the mean one-way latency, after the message has been serialised onto the path
 * @param jitter how far a message's latency may lie either side of the mean, drawn uniformly; at
 *     most the latency
 * @param fragmentLossPercent chance in percent (0-100) that one fragment is lost
 * @param bytesPerSecond the bandwidth of this direction, in fragment bytes; 0 for no cap
 * @param queueBytes the bytes (in whole fragments) that may wait for the bandwidth; beyond them a
 *     message is dropped (a message larger than the whole queue still passes an idle path)
 */
public record PathConditions(Duration latency, Duration jitter, double fragmentLossPercent, long bytesPerSecond, long queueBytes) {

    /** The size of one fragment, I2P's tunnel message. */
    public static final int FRAGMENT_BYTES = 1024;

    /** A router on the same machine with zero-hop tunnels: 1 ms each way, nothing lost, no bandwidth cap. */
    public static final PathConditions LOCAL_ROUTER = new PathConditions(Duration.ofMillis(1), Duration.ZERO, 0, 0, 0);

    /**
     * A good path through the I2P network: a round trip of 400 ms (200 ms each way, ± 40 ms),
     * 0.5 % of fragments lost, 200 KiB/s each way, with a queue of 200 KiB (one second of bandwidth).
     */
    public static final PathConditions GOOD_I2P = new PathConditions(Duration.ofMillis(200), Duration.ofMillis(40), 0.5, 200 * 1024, 200 * 1024);

    /**
     * A poor path through the I2P network: a round trip of 1.5 s (750 ms each way, ± 150 ms),
     * 2 % of fragments lost, 50 KiB/s each way, with a queue of 64 KiB (1.3 s of bandwidth, room for
     * two full 32 KiB messages).
     */
    public static final PathConditions POOR_I2P = new PathConditions(Duration.ofMillis(750), Duration.ofMillis(150), 2, 50 * 1024, 64 * 1024);

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a value is negative, the jitter exceeds the latency or
     *     the loss is outside 0-100
     */
    public PathConditions {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(jitter, "jitter");
        if (latency.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency and jitter must not be negative: " + latency + ", " + jitter);
        }
        if (jitter.compareTo(latency) > 0) {
            throw new IllegalArgumentException("jitter " + jitter + " must not exceed the latency " + latency);
        }
        if (!(fragmentLossPercent >= 0 && fragmentLossPercent <= 100)) {
            throw new IllegalArgumentException("fragmentLossPercent must be 0-100: " + fragmentLossPercent);
        }
        if (bytesPerSecond < 0 || queueBytes < 0) {
            throw new IllegalArgumentException("bytesPerSecond and queueBytes must not be negative: " + bytesPerSecond + ", " + queueBytes);
        }
    }

    /** These conditions with another fragment loss, for example 100 to stall the path. */
    public PathConditions withFragmentLossPercent(double percent) {
        return new PathConditions(latency, jitter, percent, bytesPerSecond, queueBytes);
    }

    /** The round trip of a path with these conditions both ways, jitter and queueing aside. */
    public Duration roundTrip() {
        return latency.multipliedBy(2);
    }

    /**
     * The fragments a message of {@code bytes} is cut into: one per started {@value #FRAGMENT_BYTES}
     * bytes, and one for an empty message.
     */
    public static int fragments(int bytes) {
        return Math.max(1, (bytes + FRAGMENT_BYTES - 1) / FRAGMENT_BYTES);
    }

    /** The chance (0-1) that a message of {@code bytes} arrives: each of its fragments must. */
    public double deliveryChance(int bytes) {
        return Math.pow(1 - fragmentLossPercent / 100, fragments(bytes));
    }
}
