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

    /**
     * The largest frame for paths like I2P's tunnels, which cut a message into 1 KiB pieces and
     * lose it with any of them ({@link #forI2pTunnels}): chosen with the simulated I2P paths
     * (docs/benchmarks.md, "Over a simulated I2P network").
     */
    public static final int I2P_MAX_FRAME = 3072;
    /**
     * Frames in flight for paths like I2P's tunnels, whose routers drop what overflows their
     * queues ({@link #forI2pTunnels}): chosen with the simulated I2P paths, like {@link #I2P_MAX_FRAME}.
     */
    public static final int I2P_MAX_IN_FLIGHT = 36;
    /**
     * The window in frames for paths like I2P's tunnels ({@link #forI2pTunnels}): room for the
     * frames sent while a lost one is repaired, acknowledged with wide SACKs beyond the first 64;
     * chosen with the simulated I2P paths, like {@link #I2P_MAX_FRAME}.
     */
    public static final int I2P_WINDOW = 128;
    /**
     * The shortest round trip below which a peer counts as near for {@link #forI2pTunnels}
     * ({@link #nearPath}): a router on the same machine or network answers within a few
     * milliseconds, a tunnel through I2P's network in tens to hundreds (200 and 750 ms on the
     * simulated I2P paths).
     */
    public static final Duration I2P_NEAR_ROUND_TRIP = Duration.ofMillis(20);
    /**
     * The largest frame to a near peer for {@link #forI2pTunnels} ({@link #nearPath}): a full
     * 32 KiB data message goes in two frames. Over a local I2P router two frames of 16 KiB moved
     * two and a half to three times as much as eleven of 3 KiB, and more than four of 8 KiB or one
     * of 32 KiB (docs/benchmarks.md, "Frames for a near router").
     */
    public static final int I2P_NEAR_FRAME = 17 * 1024;

    private final Transport inner;
    private int window = ReliableTransport.DEFAULT_WINDOW;
    private int callbackAllowance = -1;
    private Duration minRto = ReliableTransport.DEFAULT_MIN_RTO;
    private Duration initialRto = ReliableTransport.DEFAULT_INITIAL_RTO;
    private Duration maxRto = ReliableTransport.DEFAULT_MAX_RTO;
    private int maxRetries = ReliableTransport.DEFAULT_MAX_RETRIES;
    private Duration ackDelay = ReliableTransport.DEFAULT_ACK_DELAY;
    private Duration closeLinger = ReliableTransport.DEFAULT_CLOSE_LINGER;
    private int maxFrame = ReliableTransport.DEFAULT_MAX_FRAME;
    private Duration nearRoundTrip = Duration.ZERO;
    private int nearMaxFrame = ReliableTransport.DEFAULT_MAX_FRAME;
    private int maxInFlight = -1;
    private boolean pacing;
    private boolean tailCopies = true;
    private Predicate<Destination> startPlain = peer -> false;
    private Random random;

    ReliableTransportBuilder(Transport inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /**
     * Messages per peer that may be unacknowledged (1-4096, default 64); also how far ahead a
     * message may arrive and be held. Messages held more than 64 ahead are acknowledged
     * selectively only to a peer that reads wide SACKs (this version and later); to the versions
     * before, the messages past the first 64 count as in flight until the gap before them fills.
     */
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
     * The largest frame in bytes, its 26-byte header included (default: no limit). A longer
     * message of at most 64 KiB goes to a peer that announced it joins segments in several
     * consecutive frames of about equal size, which the peer joins again before handing the
     * message on; so over a path that loses large messages more often than small ones (I2P's
     * tunnels cut them into 1 KiB pieces, and losing one loses the message) a loss costs one
     * frame rather than the message. Peers of the layer's first version get whole messages.
     * Every message of 64 KiB must fit in the window: {@code window} frames of this size.
     */
    public ReliableTransportBuilder maxFrame(int bytes) {
        if (bytes <= Frame.HEADER) {
            throw new IllegalArgumentException("maxFrame must be more than the " + Frame.HEADER + "-byte header: " + bytes);
        }
        this.maxFrame = bytes;
        return this;
    }

    /**
     * Larger frames to a near peer (default: none): to a peer whose shortest measured round trip
     * is below {@code roundTrip}, a message longer than a frame's payload goes in frames of at
     * most {@code bytes} instead of {@link #maxFrame}. Small frames are for paths that lose large
     * messages more often than small ones, such as I2P's tunnels; a near path (a router on the same
     * machine or network) does not, and there each frame costs about the same work, whatever its
     * size. Until the first round trip is measured, and again after the peer started afresh,
     * frames are of {@code maxFrame}; a peer forgotten and met again keeps its shortest round trip.
     *
     * @param roundTrip the shortest round trip below which a peer is near; zero for none
     * @param bytes the largest frame to a near peer, its 26-byte header included; at least {@code maxFrame}
     */
    public ReliableTransportBuilder nearPath(Duration roundTrip, int bytes) {
        if (Objects.requireNonNull(roundTrip, "roundTrip").isNegative()) {
            throw new IllegalArgumentException("a near path's round trip must not be negative: " + roundTrip);
        }
        if (bytes <= Frame.HEADER) {
            throw new IllegalArgumentException("a near path's frames must be more than the " + Frame.HEADER + "-byte header: " + bytes);
        }
        this.nearRoundTrip = roundTrip;
        this.nearMaxFrame = bytes;
        return this;
    }

    /**
     * Frames, window, flight and pacing for I2P's tunnels, as the I2CP transport's reliable mode
     * uses them: {@link #I2P_MAX_FRAME}, {@link #I2P_WINDOW}, {@link #I2P_MAX_IN_FLIGHT},
     * {@link #pacing} on, and frames of {@link #I2P_NEAR_FRAME} to a peer nearer than
     * {@link #I2P_NEAR_ROUND_TRIP} ({@link #nearPath}).
     */
    public ReliableTransportBuilder forI2pTunnels() {
        return maxFrame(I2P_MAX_FRAME).window(I2P_WINDOW).maxInFlight(I2P_MAX_IN_FLIGHT).pacing(true)
                .nearPath(I2P_NEAR_ROUND_TRIP, I2P_NEAR_FRAME);
    }

    /**
     * Whether new frames to a peer leave no faster than a little above the rate the peer's path
     * was measured to deliver them (default off), as BBR paces: a path whose routers drop what
     * overflows their queues, as I2P's do, then gets a steady stream instead of bursts of a whole
     * flight. A frame the pacer holds waits in the window and goes out on the layer's timer
     * thread. Losses do not lower the pace. Over memory and TCP nothing is gained by it.
     */
    public ReliableTransportBuilder pacing(boolean on) {
        this.pacing = on;
        return this;
    }

    /**
     * Whether, with {@link #pacing}, the frames still in flight when a burst that kept the path
     * busy ends go once more, newest first, in the room the path has left (default on; counted as
     * {@link ReliableCounter#TAIL_COPIES}). They spare a lossy path the round trips of repairing
     * its last losses, at about 7 % more frames on the simulated poor I2P path
     * (docs/benchmarks.md); turn them off on a shared network where those bytes matter more than
     * the time. Without pacing there are none either way.
     */
    public ReliableTransportBuilder tailCopies(boolean on) {
        this.tailCopies = on;
        return this;
    }

    /**
     * Frames per peer that may be in flight: sent, and neither acknowledged nor selectively
     * acknowledged (1-4096, default: the window). Below the window, the window still bounds how
     * far ahead of a lost frame the sender may go while it recovers, and this bounds what the path
     * holds at once: a path whose routers drop what overflows their queues, as I2P's do, loses
     * less. Must hold a 64 KiB message in frames of {@code maxFrame}.
     */
    public ReliableTransportBuilder maxInFlight(int frames) {
        if (frames < 1 || frames > 4096) {
            throw new IllegalArgumentException("maxInFlight must be 1-4096 frames: " + frames);
        }
        this.maxInFlight = frames;
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
     * @throws IllegalArgumentException if the RTO floor exceeds the ceiling, the ack delay is not
     *     below the floor, {@code maxInFlight} exceeds the window, a message of 64 KiB in frames of
     *     {@code maxFrame} would not fit in the window or the flight, or a near path's frames are
     *     smaller than {@code maxFrame}
     */
    public ReliableTransport build() {
        int flight = maxInFlight < 0 ? window : maxInFlight;
        if (flight > window) {
            throw new IllegalArgumentException("maxInFlight " + flight + " is above the window of " + window);
        }
        long segments = ((long) Reassembly.LIMIT + maxFrame - Frame.HEADER - 1) / (maxFrame - Frame.HEADER);
        if (segments > flight) {
            throw new IllegalArgumentException("a message of " + Reassembly.LIMIT + " bytes takes " + segments + " frames of maxFrame "
                    + maxFrame + " bytes, more than the " + flight + " the window or maxInFlight allows");
        }
        if (!nearRoundTrip.isZero() && nearMaxFrame < maxFrame) {
            throw new IllegalArgumentException("a near path's frames of " + nearMaxFrame + " bytes are smaller than maxFrame " + maxFrame);
        }
        if (minRto.compareTo(maxRto) > 0) {
            throw new IllegalArgumentException("minRto " + minRto + " is above maxRto " + maxRto);
        }
        if (ackDelay.compareTo(minRto) >= 0) {
            throw new IllegalArgumentException("ackDelay " + ackDelay + " must be below minRto " + minRto
                    + ", or every delayed acknowledgement would come after a retransmission");
        }
        ReliableTransport.Settings settings = new ReliableTransport.Settings(window, callbackAllowance < 0 ? window : callbackAllowance, minRto.toNanos(),
                initialRto.toNanos(), maxRto.toNanos(), maxRetries, ackDelay.toNanos(), closeLinger.toNanos(), maxFrame,
                nearRoundTrip.toNanos(), nearMaxFrame, flight, pacing, tailCopies, startPlain,
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
