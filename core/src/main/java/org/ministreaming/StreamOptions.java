package org.ministreaming;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import org.ministreaming.engine.EngineSettings;

/**
 * Settings for a {@link StreamManager} and its sockets, made with {@link #builder()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class StreamOptions {

    /** Default connect timeout: 60 s, as the original. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** Default time an incoming connection waits for {@code accept()}: 5 s, as the original. */
    public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(5);
    /** Default number of incoming connections that may wait for {@code accept()}: 64. */
    public static final int DEFAULT_ACCEPT_BACKLOG = 64;
    /** Default flow-control window, per connection with flow control, to begin with: 256 KiB. */
    public static final int DEFAULT_RECEIVE_BUFFER_SIZE = 256 * 1024;
    /** Default largest flow-control window a connection grows to while its reader keeps up: 16 MiB. */
    public static final int DEFAULT_MAX_RECEIVE_WINDOW = 16 << 20;
    /** Default bytes one connection without flow control may buffer ahead of its reader: 32 MiB. */
    public static final int DEFAULT_PLAIN_RECEIVE_ALLOWANCE = 32 << 20;
    /** The most the default receive budget is: 256 MiB (less on a small heap, see {@link #defaultReceiveBudget()}). */
    public static final long DEFAULT_RECEIVE_BUDGET_CAP = 256L << 20;
    /** Default time a peer without connections is remembered: 60 s. */
    public static final Duration DEFAULT_PEER_GRACE_PERIOD = EngineSettings.DEFAULT_PEER_GRACE;
    /**
     * Bytes each buffered message is charged on top of its payload against
     * {@link #plainReceiveAllowance()} and {@link #receiveBudget()}: 128, about what the heap
     * holds for a buffered message besides its bytes.
     */
    public static final int BUFFERED_MESSAGE_OVERHEAD = EngineSettings.BUFFERED_MESSAGE_OVERHEAD;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final Duration idleTimeout;
    private final Duration peerGracePeriod;
    private final boolean flowControl;
    private final Limits limits;
    private final Duration acceptTimeout;
    private final int acceptBacklog;
    private final int receiveBufferSize;
    private final int maxReceiveWindow;
    private final int plainReceiveAllowance;
    private final long receiveBudget;
    private final Random random;
    private final MessageListener messageListener;

    private StreamOptions(Builder builder) {
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.writeTimeout = builder.writeTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.peerGracePeriod = builder.peerGracePeriod;
        this.flowControl = builder.flowControl;
        this.limits = new Limits(builder.maxConnections, builder.maxConnectionsPerPeer,
                builder.synsPerSecondPerPeer, builder.maxMessageSize);
        this.acceptTimeout = builder.acceptTimeout;
        this.acceptBacklog = builder.acceptBacklog;
        this.receiveBufferSize = builder.receiveBufferSize;
        this.maxReceiveWindow = builder.maxReceiveWindow;
        this.plainReceiveAllowance = builder.plainReceiveAllowance;
        this.receiveBudget = builder.receiveBudget;
        this.random = builder.random != null ? builder.random : new SecureRandom();
        this.messageListener = builder.messageListener;
    }

    /** The defaults. */
    public static StreamOptions defaults() {
        return builder().build();
    }

    /**
     * The default receive budget: a quarter of the largest heap the JVM may use
     * ({@link Runtime#maxMemory()}), but at most {@link #DEFAULT_RECEIVE_BUDGET_CAP} (256 MiB).
     */
    public static long defaultReceiveBudget() {
        return Math.max(1, Math.min(DEFAULT_RECEIVE_BUDGET_CAP, Runtime.getRuntime().maxMemory() / 4));
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** How long {@code connect} waits for the peer's answer. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a read waits for data; {@link Duration#ZERO} waits forever. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * How long a write waits for credit from a peer whose reader is behind; {@link Duration#ZERO}
     * waits forever. Only connections with flow control wait.
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * How long a connection may hear nothing from its peer before it is closed;
     * {@link Duration#ZERO} (the default, as the original) never closes one. Peers with flow
     * control are pinged halfway, so quiet but healthy connections to them stay open.
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * How long the manager remembers a peer it has no connections with: its SYN rate, its
     * outstanding pings. After that the peer is forgotten, and the transport is told
     * ({@link org.ministreaming.transport.Transport#forget}) so that it can forget it too; a peer
     * that comes back starts afresh. Default {@link #DEFAULT_PEER_GRACE_PERIOD}.
     */
    public Duration peerGracePeriod() {
        return peerGracePeriod;
    }

    /**
     * Whether to offer and accept the flow-control (credit) extension. Peers that speak it never
     * overrun each other's buffers; the original implementation ignores the offer and gets the
     * plain protocol.
     */
    public boolean flowControl() {
        return flowControl;
    }

    /** The limits against abuse. */
    public Limits limits() {
        return limits;
    }

    /** How long an incoming connection waits for {@code accept()} before it is refused. */
    public Duration acceptTimeout() {
        return acceptTimeout;
    }

    /** How many incoming connections may wait for {@code accept()} at once. */
    public int acceptBacklog() {
        return acceptBacklog;
    }

    /**
     * The flow-control window each connection starts with: on a connection with flow control, the
     * data bytes the peer may send ahead of the reader, and so the most that connection buffers,
     * until the window grows (see {@link #maxReceiveWindow()}). Connections without flow control
     * are bound by {@link #plainReceiveAllowance()} instead. Default
     * {@link #DEFAULT_RECEIVE_BUFFER_SIZE}.
     */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * The largest a connection's flow-control window grows to. A window doubles when its reader
     * keeps up (little waits to be read) and read the last quarter window in less than one round
     * trip to the peer (measured by pings), so that one fast stream gets the throughput of a large
     * window while idle connections and slow readers keep {@link #receiveBufferSize()}. Windows
     * never shrink; their growth over all connections together is bounded by half the
     * {@link #receiveBudget()}, and given back when a connection ends. Set it to
     * {@link #receiveBufferSize()} or less for fixed windows. Default
     * {@link #DEFAULT_MAX_RECEIVE_WINDOW}; at most 1 GiB.
     */
    public int maxReceiveWindow() {
        return maxReceiveWindow;
    }

    /**
     * Bytes one connection without flow control (a plain peer, such as the original
     * implementation) may buffer ahead of its reader, each buffered message counted as its
     * payload plus {@link #BUFFERED_MESSAGE_OVERHEAD} bytes. A peer that sends more
     * gets that connection closed (counter {@code OVERRUN}): the reader gets the buffered bytes,
     * then an {@code IOException} naming this option. Such a peer cannot be asked to wait, so
     * this is what lets it send ahead of a slow reader.
     */
    public int plainReceiveAllowance() {
        return plainReceiveAllowance;
    }

    /**
     * Bytes all connections of the manager together may buffer ahead of their readers, counted as
     * for {@link #plainReceiveAllowance()}, with flow control or without. When a message would
     * take them past it, the connection holding the most is closed and its unread bytes discarded
     * (counter {@code RECEIVE_BUDGET_EXHAUSTED}; its reader gets an {@code IOException} naming
     * this option), and the message is tried again. Default: {@link #defaultReceiveBudget()}.
     */
    public long receiveBudget() {
        return receiveBudget;
    }

    /** Sees every message sent and received. */
    public MessageListener messageListener() {
        return messageListener;
    }

    /** Every option's value, for logs and debugging; the random source and the listener by their types. */
    @Override
    public String toString() {
        return "StreamOptions[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", writeTimeout=" + writeTimeout
                + ", idleTimeout=" + idleTimeout + ", peerGracePeriod=" + peerGracePeriod + ", acceptTimeout=" + acceptTimeout
                + ", acceptBacklog=" + acceptBacklog + ", flowControl=" + flowControl + ", receiveBufferSize=" + receiveBufferSize
                + ", maxReceiveWindow=" + maxReceiveWindow + ", plainReceiveAllowance=" + plainReceiveAllowance
                + ", receiveBudget=" + receiveBudget + ", " + limits + ", random=" + random.getClass().getSimpleName()
                + ", messageListener=" + messageListener.getClass().getSimpleName() + "]";
    }

    EngineSettings engineSettings() {
        return new EngineSettings(acceptTimeout, acceptBacklog, receiveBufferSize, maxReceiveWindow, plainReceiveAllowance,
                receiveBudget, random, flowControl, idleTimeout, peerGracePeriod, limits);
    }

    /**
     * Makes {@link StreamOptions}. A duration longer than about 73 years (such as
     * {@code ChronoUnit.FOREVER.getDuration()}) counts as that, here and in every timeout the
     * library takes. Not thread-safe; use from one thread.
     */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = Duration.ZERO;
        private Duration writeTimeout = Duration.ZERO;
        private Duration idleTimeout = Duration.ZERO;
        private Duration peerGracePeriod = DEFAULT_PEER_GRACE_PERIOD;
        private boolean flowControl = true;
        private int maxConnections = Limits.DEFAULT.maxConnections();
        private int maxConnectionsPerPeer = Limits.DEFAULT.maxConnectionsPerPeer();
        private int synsPerSecondPerPeer = Limits.DEFAULT.synsPerSecondPerPeer();
        private int maxMessageSize = Limits.DEFAULT.maxMessageSize();
        private Duration acceptTimeout = DEFAULT_ACCEPT_TIMEOUT;
        private int acceptBacklog = DEFAULT_ACCEPT_BACKLOG;
        private int receiveBufferSize = DEFAULT_RECEIVE_BUFFER_SIZE;
        private int maxReceiveWindow = DEFAULT_MAX_RECEIVE_WINDOW;
        private int plainReceiveAllowance = DEFAULT_PLAIN_RECEIVE_ALLOWANCE;
        private long receiveBudget = defaultReceiveBudget();
        private Random random;
        private MessageListener messageListener = MessageListener.NONE;

        private Builder() {
        }

        /** How long {@code connect} waits for an answer; positive. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** How long reads wait for data; zero waits forever. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = notNegative("readTimeout", timeout);
            return this;
        }

        /** How long writes wait for credit; zero waits forever. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = notNegative("writeTimeout", timeout);
            return this;
        }

        /** How long a connection may hear nothing from its peer; zero (the default) never closes one. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = notNegative("idleTimeout", timeout);
            return this;
        }

        /** How long a peer without connections is remembered; positive, 60 s by default. */
        public Builder peerGracePeriod(Duration period) {
            this.peerGracePeriod = positive("peerGracePeriod", period);
            return this;
        }

        /** Whether to offer and accept flow control; on by default. */
        public Builder flowControl(boolean enabled) {
            this.flowControl = enabled;
            return this;
        }

        /** Connections the manager may hold at once, both ways; at least 1. */
        public Builder maxConnections(int connections) {
            this.maxConnections = atLeastOne("maxConnections", connections);
            return this;
        }

        /** Connections the manager may hold with one peer; at least 1. */
        public Builder maxConnectionsPerPeer(int connections) {
            this.maxConnectionsPerPeer = atLeastOne("maxConnectionsPerPeer", connections);
            return this;
        }

        /** SYNs one peer may send per second (a burst of as many is allowed); at least 1. */
        public Builder synsPerSecondPerPeer(int syns) {
            this.synsPerSecondPerPeer = atLeastOne("synsPerSecondPerPeer", syns);
            return this;
        }

        /** Bytes in the largest message accepted; at least 32772, a full data message. */
        public Builder maxMessageSize(int bytes) {
            if (bytes < Limits.DEFAULT.maxMessageSize()) {
                throw new IllegalArgumentException("maxMessageSize must be at least 32772, a full data message: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** How long an incoming connection waits for {@code accept()}; positive. */
        public Builder acceptTimeout(Duration timeout) {
            this.acceptTimeout = positive("acceptTimeout", timeout);
            return this;
        }

        /** How many incoming connections may wait for {@code accept()}; at least 1. */
        public Builder acceptBacklog(int connections) {
            this.acceptBacklog = atLeastOne("acceptBacklog", connections);
            return this;
        }

        /** The flow-control window each connection with flow control starts with, in bytes; 1 to 1 GiB. */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = window("receiveBufferSize", bytes);
            return this;
        }

        /**
         * The largest a connection's flow-control window grows to, in bytes; 1 to 1 GiB. At or
         * below {@link #receiveBufferSize(int)}, windows stay fixed.
         */
        public Builder maxReceiveWindow(int bytes) {
            this.maxReceiveWindow = window("maxReceiveWindow", bytes);
            return this;
        }

        /** Bytes one connection without flow control may buffer ahead of its reader; at least 1. */
        public Builder plainReceiveAllowance(int bytes) {
            this.plainReceiveAllowance = atLeastOne("plainReceiveAllowance", bytes);
            return this;
        }

        /**
         * Bytes all connections together may buffer ahead of their readers; at least 1. The
         * windows granted to peers may add up to more (each connection's starts at
         * {@code receiveBufferSize}): when what they send meets the budget, the connection holding
         * the most is closed ({@link ReceiveLimitException}) even though its peer kept to its
         * window, so a budget below a few windows closes connections of well-behaved peers.
         */
        public Builder receiveBudget(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("receiveBudget must be at least 1: " + bytes);
            }
            this.receiveBudget = bytes;
            return this;
        }

        /** Where connection ids come from; a {@link SecureRandom} unless set (for tests). */
        public Builder random(Random source) {
            this.random = Objects.requireNonNull(source, "random");
            return this;
        }

        /** Sees every message sent and received, for traces. */
        public Builder messageListener(MessageListener listener) {
            this.messageListener = Objects.requireNonNull(listener, "messageListener");
            return this;
        }

        /** The options. */
        public StreamOptions build() {
            return new StreamOptions(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static Duration notNegative(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }

        private static int window(String name, int value) {
            if (value > EngineSettings.MAX_RECEIVE_WINDOW) {
                throw new IllegalArgumentException(name + " must be at most 1 GiB: " + value);
            }
            return atLeastOne(name, value);
        }

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
        }
    }
}
