package org.ministreaming.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import org.ministreaming.Limits;
import org.ministreaming.pipe.Deadline;

/**
 * What an {@link Engine} needs to know up front. Immutable and thread-safe (the random source
 * must itself be thread-safe, as {@code SecureRandom} is).
 *
 * @param acceptTimeout how long an incoming connection waits in the backlog for {@code accept()}
 * @param acceptBacklog how many incoming connections may wait at once
 * @param receiveBufferSize the flow-control window: what a connection with the credit extension
 *     offers its peer and buffers ahead of its reader at first, in data bytes
 * @param maxReceiveWindow the largest that window grows to while its reader keeps up
 *     ({@link ReceiveWindows}); no larger than {@link #MAX_RECEIVE_WINDOW}, and when not larger
 *     than {@code receiveBufferSize} windows stay as they are
 * @param plainReceiveAllowance what one connection without flow control may buffer ahead of its
 *     reader, in bytes charged as payload plus {@link #BUFFERED_MESSAGE_OVERHEAD} per message
 * @param receiveBudget what all connections together may buffer ahead of their readers, charged
 *     the same way
 * @param random where connection ids and ping tokens come from
 * @param creditExtension whether to offer and accept the credit extension
 * @param idleTimeout close a connection after hearing nothing from its peer for this long;
 *     {@link Duration#ZERO} never does
 * @param peerGrace how long a peer without connections is remembered before it is forgotten
 *     (and the transport told)
 * @param limits the limits against abuse
 */
public record EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, int maxReceiveWindow,
        int plainReceiveAllowance, long receiveBudget, Random random, boolean creditExtension, Duration idleTimeout,
        Duration peerGrace, Limits limits) {

    /** The largest receive window allowed: 1 GiB, so that a grant with its growth stays an {@code int}. */
    public static final int MAX_RECEIVE_WINDOW = 1 << 30;

    /** How long a peer without connections is remembered unless told otherwise: 60 s. */
    public static final Duration DEFAULT_PEER_GRACE = Duration.ofSeconds(60);

    /**
     * The heap a buffered message costs beyond its payload, charged with it against the plain
     * allowance and the receive budget, so that a flood of tiny messages is bounded as well: the
     * received array's header and the 4-byte message header with alignment (about 27 bytes), the
     * read-only {@code ByteBuffer} view kept in the buffer (about 56), and its slot in the queue,
     * whose array may be twice as long as needed (8): about 91 bytes with compressed references,
     * 120 without. Measured on JDK 17 by buffering a million 1-byte messages the way the receive
     * path does: 88 bytes each with compressed references, 101 without, payload included. Rounded
     * up to 128.
     */
    public static final int BUFFERED_MESSAGE_OVERHEAD = 128;

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
        if (peerGrace.isNegative() || peerGrace.isZero()) {
            throw new IllegalArgumentException("peerGrace must be positive: " + peerGrace);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative: " + idleTimeout);
        }
        if (acceptBacklog < 1) {
            throw new IllegalArgumentException("acceptBacklog must be at least 1: " + acceptBacklog);
        }
        if (receiveBufferSize < 1 || receiveBufferSize > MAX_RECEIVE_WINDOW) {
            throw new IllegalArgumentException("receiveBufferSize must be 1 to 1 GiB: " + receiveBufferSize);
        }
        if (maxReceiveWindow < 1 || maxReceiveWindow > MAX_RECEIVE_WINDOW) {
            throw new IllegalArgumentException("maxReceiveWindow must be 1 to 1 GiB: " + maxReceiveWindow);
        }
        if (plainReceiveAllowance < 1) {
            throw new IllegalArgumentException("plainReceiveAllowance must be at least 1: " + plainReceiveAllowance);
        }
        if (receiveBudget < 1) {
            throw new IllegalArgumentException("receiveBudget must be at least 1: " + receiveBudget);
        }
    }

    /** Settings whose windows stay at {@code receiveBufferSize}. */
    public EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, int plainReceiveAllowance,
            long receiveBudget, Random random, boolean creditExtension, Duration idleTimeout, Duration peerGrace, Limits limits) {
        this(acceptTimeout, acceptBacklog, receiveBufferSize, receiveBufferSize, plainReceiveAllowance, receiveBudget, random,
                creditExtension, idleTimeout, peerGrace, limits);
    }

    /**
     * Settings whose windows stay at {@code receiveBufferSize}, remembering a peer without
     * connections for {@link #DEFAULT_PEER_GRACE}.
     */
    public EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, int plainReceiveAllowance,
            long receiveBudget, Random random, boolean creditExtension, Duration idleTimeout, Limits limits) {
        this(acceptTimeout, acceptBacklog, receiveBufferSize, plainReceiveAllowance, receiveBudget, random, creditExtension,
                idleTimeout, DEFAULT_PEER_GRACE, limits);
    }

    /**
     * Settings with the credit extension on and windows that stay at {@code receiveBufferSize}, no
     * idle timeout, the default limits, and a plain allowance and a receive budget so large that
     * they are never reached.
     */
    public EngineSettings(Duration acceptTimeout, int acceptBacklog, int receiveBufferSize, Random random) {
        this(acceptTimeout, acceptBacklog, receiveBufferSize, Integer.MAX_VALUE, Long.MAX_VALUE, random, true, Duration.ZERO,
                Limits.DEFAULT);
    }

    /** The accept timeout in nanoseconds, at most {@link Deadline#LONGEST}'s, so that due times never overflow. */
    long acceptTimeoutNanos() {
        return Deadline.nanos(acceptTimeout);
    }
}
