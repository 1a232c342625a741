package org.ministreaming;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import org.ministreaming.engine.EngineSettings;
import org.ministreaming.engine.Limits;
import org.ministreaming.engine.MessageListener;

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
    /** Default bytes buffered per connection ahead of its reader: 256 KiB. */
    public static final int DEFAULT_RECEIVE_BUFFER_SIZE = 256 * 1024;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final Duration idleTimeout;
    private final boolean flowControl;
    private final Limits limits;
    private final Duration acceptTimeout;
    private final int acceptBacklog;
    private final int receiveBufferSize;
    private final Random random;
    private final MessageListener messageListener;

    private StreamOptions(Builder builder) {
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.writeTimeout = builder.writeTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.flowControl = builder.flowControl;
        this.limits = new Limits(builder.maxConnections, builder.maxConnectionsPerPeer,
                builder.synsPerSecondPerPeer, builder.maxMessageSize);
        this.acceptTimeout = builder.acceptTimeout;
        this.acceptBacklog = builder.acceptBacklog;
        this.receiveBufferSize = builder.receiveBufferSize;
        this.random = builder.random != null ? builder.random : new SecureRandom();
        this.messageListener = builder.messageListener;
    }

    /** The defaults. */
    public static StreamOptions defaults() {
        return builder().build();
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
     * Bytes buffered per connection ahead of its reader. With flow control this is the window the
     * peer may send ahead; a plain peer that sends more than this ahead of the reader gets its
     * connection closed, and the reader an {@code IOException} after the buffered bytes.
     */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** Sees every message sent and received. */
    public MessageListener messageListener() {
        return messageListener;
    }

    EngineSettings engineSettings() {
        return new EngineSettings(acceptTimeout, acceptBacklog, receiveBufferSize, random, flowControl, idleTimeout, limits);
    }

    /** Makes {@link StreamOptions}. Not thread-safe; use from one thread. */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = Duration.ZERO;
        private Duration writeTimeout = Duration.ZERO;
        private Duration idleTimeout = Duration.ZERO;
        private boolean flowControl = true;
        private int maxConnections = Limits.DEFAULT.maxConnections();
        private int maxConnectionsPerPeer = Limits.DEFAULT.maxConnectionsPerPeer();
        private int synsPerSecondPerPeer = Limits.DEFAULT.synsPerSecondPerPeer();
        private int maxMessageSize = Limits.DEFAULT.maxMessageSize();
        private Duration acceptTimeout = DEFAULT_ACCEPT_TIMEOUT;
        private int acceptBacklog = DEFAULT_ACCEPT_BACKLOG;
        private int receiveBufferSize = DEFAULT_RECEIVE_BUFFER_SIZE;
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

        /** Bytes buffered per connection ahead of its reader; at least 1. */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = atLeastOne("receiveBufferSize", bytes);
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

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
        }
    }
}
