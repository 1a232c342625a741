package org.ministreaming.transport.i2cp;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Predicate;
import net.i2p.client.I2PClient;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * Makes an I2CP transport, from {@link I2cpTransport#builder}; every option has a default. Not
 * thread-safe: use from one thread.
 */
public final class I2cpTransportBuilder {

    /** The router's usual I2CP host. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The router's usual I2CP port. */
    public static final int DEFAULT_PORT = 7654;

    /**
     * The reliable layer's ack delay over I2CP: 5 ms, not the layer's 20 ms. The router leaves
     * Nagle's algorithm on for its side of the I2CP connection, so when it passes two small
     * messages to one client in a row, the second waits until the client's kernel acknowledges
     * the first, up to 40 ms where the kernel delays its acknowledgements ({@link RouterSocket}
     * has ours acknowledge at once where the platform allows). A pure acknowledgement just before
     * an answer is such a pair: 5 ms lets an answer that comes soon carry the acknowledgement
     * instead (1 ms did not, before {@code TCP_QUICKACK}: a request/response took a median of 42
     * ms), while an acknowledgement owed at the end of an exchange still leaves before the next
     * one begins (20 ms did not: it met the next connection's first messages). docs/benchmarks.md,
     * "Request/response over I2CP".
     */
    public static final Duration ACK_DELAY = Duration.ofMillis(5);

    /**
     * How long opening a session may take by default, the router's tunnels built included: a
     * router with peers builds them in seconds, one that has just joined the network may need
     * a minute or two.
     */
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofMinutes(3);

    /**
     * The longest wait counted, about 73 years, as in the core library's timeouts: a longer one
     * (such as {@code ChronoUnit.FOREVER.getDuration()}) is taken as this.
     */
    static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

    /**
     * I2P's session option for compressing messages. The library gzips every message over 66
     * bytes at level 3 by default; this builder turns that off (what the application sends is
     * often compressed or encrypted already, and I2P encrypts every message anyway), which nearly
     * doubled bulk throughput over a local router (docs/benchmarks.md). The messages still travel
     * in a gzip container, stored without compression, so every I2P client, the original
     * included, reads them as before. {@code sessionOption("i2cp.gzip", "true")} turns it back on.
     */
    static final String GZIP = "i2cp.gzip";

    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private I2pKeys keys;
    private final Properties sessionOptions = new Properties();
    private Predicate<Destination> plainPeers = peer -> false;
    private SendTap tap = SendTap.NONE;
    private Duration openTimeout = DEFAULT_OPEN_TIMEOUT;
    private boolean refuseUnproven;
    private Duration silence = Handshake.SILENCE;

    I2cpTransportBuilder() {
        // Sends return at once; the reliable layer, not I2CP, confirms delivery.
        sessionOptions.setProperty(I2PClient.PROP_RELIABILITY, I2PClient.PROP_RELIABILITY_NONE);
        sessionOptions.setProperty(GZIP, "false");
    }

    /**
     * Where the router's I2CP port is.
     *
     * @param host a host name or address
     * @param port 1-65535
     * @return this builder
     */
    public I2cpTransportBuilder router(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the I2CP port must be 1-65535: " + port);
        }
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        return this;
    }

    /** The identity of this endpoint (default: new keys, so a new destination each time). */
    public I2cpTransportBuilder keys(I2pKeys identity) {
        this.keys = Objects.requireNonNull(identity, "keys");
        return this;
    }

    /**
     * An I2CP session option, passed to the router as given, for example
     * {@code inbound.length=0}; it overrides this builder's own defaults.
     *
     * @param name the option's name
     * @param value its value
     * @return this builder
     */
    public I2cpTransportBuilder sessionOption(String name, String value) {
        sessionOptions.setProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Several session options; see {@link #sessionOption}. */
    public I2cpTransportBuilder sessionOptions(Map<String, String> options) {
        options.forEach(this::sessionOption);
        return this;
    }

    /**
     * How long opening the session may take, from the connection to the router until its
     * tunnels are built (default {@link #DEFAULT_OPEN_TIMEOUT}); each try to reconnect after the
     * router was lost has as long. When it passes, {@link I2cpTransport#start} fails with a
     * {@link java.net.SocketTimeoutException} that says what was waited for.
     *
     * @param timeout positive; longer than about 73 years counts as that
     * @return this builder
     */
    public I2cpTransportBuilder openTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the open timeout must be positive: " + timeout);
        }
        this.openTimeout = capped(timeout);
        return this;
    }

    /** {@code timeout}, or {@link #LONGEST} if longer. */
    static Duration capped(Duration timeout) {
        return timeout.compareTo(LONGEST) > 0 ? LONGEST : timeout;
    }

    /**
     * The peers to talk with in plain mode from the first message on, as the original expects
     * (default: none; peers that speak plain to us are answered in plain anyway).
     *
     * @param plain which peers are plain
     * @return this builder
     */
    public I2cpTransportBuilder plainPeers(Predicate<Destination> plain) {
        this.plainPeers = Objects.requireNonNull(plain, "plain");
        return this;
    }

    /**
     * Whether reliable mode refuses peers that do not prove themselves (default: {@code false}).
     * Peers of this version prove themselves with a signed hello (docs/protocol.md §15); peers of
     * the version before only name themselves in each envelope, which anyone can forge, and are
     * accepted as unproven by default, except under a destination that has proven itself. With
     * {@code true}, envelopes that only name their sender are dropped and counted
     * ({@link EnvelopeCounter#UNPROVEN_REFUSED}) and none are sent: peers of the version before
     * cannot talk with this endpoint in reliable mode. Plain mode is not affected.
     *
     * @param refuse whether to refuse unproven peers
     * @return this builder
     */
    public I2cpTransportBuilder refuseUnproven(boolean refuse) {
        this.refuseUnproven = refuse;
        return this;
    }

    /**
     * The transport with the reliable delivery layer, which retransmits what I2CP loses, towards
     * every peer but plain ones.
     *
     * @return a transport not yet started
     */
    public Transport build() {
        return withReliableLayer(buildPlain());
    }

    /**
     * The reliable delivery layer, as {@link #build} adds it, over a transport this builder made
     * with {@link #buildPlain}: for a caller that also needs the I2CP transport itself, for
     * example to {@linkplain I2cpTransport#resolve resolve names}.
     *
     * @param plain the I2CP transport, not yet started
     * @return a transport not yet started, which starts and closes {@code plain}
     */
    public Transport withReliableLayer(I2cpTransport plain) {
        return ReliableTransport.builder(plain).startPlain(plainPeers).ackDelay(ACK_DELAY).forI2pTunnels().build();
    }

    /**
     * The transport without the reliable layer: every message travels plain, exactly as the
     * original sent it, and what I2CP loses stays lost.
     *
     * @return a transport not yet started
     */
    public I2cpTransport buildPlain() {
        return new I2cpTransport(this);
    }

    I2cpTransportBuilder tap(SendTap sendTap) {
        this.tap = sendTap;
        return this;
    }

    /** How long a peer may stay silent, while frames go to it, before hellos go again (tests). */
    I2cpTransportBuilder silence(Duration time) {
        this.silence = time;
        return this;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    I2pKeys keys() {
        if (keys == null) {
            keys = I2pKeys.generate();
        }
        return keys;
    }

    Properties sessionOptions() {
        Properties copy = new Properties();
        copy.putAll(sessionOptions);
        copy.setProperty(I2PClient.PROP_TCP_HOST, host);
        copy.setProperty(I2PClient.PROP_TCP_PORT, Integer.toString(port));
        return copy;
    }

    Duration openTimeout() {
        return openTimeout;
    }

    boolean refuseUnproven() {
        return refuseUnproven;
    }

    SendTap tap() {
        return tap;
    }

    Duration silence() {
        return silence;
    }
}
