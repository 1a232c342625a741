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
 * @param receiveBufferSize bytes buffered per connection ahead of its reader
 * @param random where connection ids come from
 */
public record EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, Random random) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a duration is not positive or a size is below 1
     */
    public EngineSettings {
        Objects.requireNonNull(random, "random");
        if (acceptTimeout.isNegative() || acceptTimeout.isZero()) {
            throw new IllegalArgumentException("acceptTimeout must be positive: " + acceptTimeout);
        }
        if (acceptBacklog < 1) {
            throw new IllegalArgumentException("acceptBacklog must be at least 1: " + acceptBacklog);
        }
        if (receiveBufferSize < 1) {
            throw new IllegalArgumentException("receiveBufferSize must be at least 1: " + receiveBufferSize);
        }
    }
}
