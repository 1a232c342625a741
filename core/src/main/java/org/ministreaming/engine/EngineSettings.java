package org.ministreaming.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * What an {@link Engine} needs to know up front. Immutable and thread-safe (the random source
 * must itself be thread-safe, as {@code SecureRandom} is).
 *
 * @param acceptTimeout how long an incoming connection waits in the backlog for {@code accept()}
 * @param acceptBacklog how many incoming connections may wait at once
 * @param receiveBufferSize bytes buffered per connection ahead of its reader; with the credit
 *     extension, also the window offered to the peer
 * @param random where connection ids and ping tokens come from
 * @param creditExtension whether to offer and accept the credit extension
 * @param idleTimeout close a connection after hearing nothing from its peer for this long;
 *     {@link Duration#ZERO} never does
 * @param limits the limits against abuse
 */
public record EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, Random random,
        boolean creditExtension, Duration idleTimeout, Limits limits) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a duration is out of range or a size is below 1
     */
    public EngineSettings {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(limits, "limits");
        if (acceptTimeout.isNegative() || acceptTimeout.isZero()) {
            throw new IllegalArgumentException("acceptTimeout must be positive: " + acceptTimeout);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative: " + idleTimeout);
        }
        if (acceptBacklog < 1) {
            throw new IllegalArgumentException("acceptBacklog must be at least 1: " + acceptBacklog);
        }
        if (receiveBufferSize < 1) {
            throw new IllegalArgumentException("receiveBufferSize must be at least 1: " + receiveBufferSize);
        }
    }

    /** Settings with the credit extension on, no idle timeout and the default limits. */
    public EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, Random random) {
        this(acceptTimeout, acceptBacklog, receiveBufferSize, random, true, Duration.ZERO, Limits.DEFAULT);
    }
}
