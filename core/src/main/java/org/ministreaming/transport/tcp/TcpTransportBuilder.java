package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Settings for a {@link TcpTransport}; {@link #build} binds the listening socket, if any.
 *
 * <p>Not thread-safe; use from one thread.
 */
public final class TcpTransportBuilder {

    /** Default bound of the links peers may have open at once: 256 (docs/robustness.md has the arithmetic). */
    public static final int DEFAULT_MAX_LINKS = 256;

    /** Default bound of the links open at once from one source address: 64. */
    public static final int DEFAULT_MAX_LINKS_PER_ADDRESS = 64;

    /** Largest default send budget over all links: 128 MiB. */
    public static final long DEFAULT_SEND_BUDGET_CAP = 128L << 20;

    /** Default time a frame may take to arrive once its first byte came: 30 s. */
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);

    /** Default time a link over which this side sent nothing may go without a message: 60 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Default of what a link reads or writes in one system call at most: 512 KiB. */
    public static final int DEFAULT_LINK_BUFFER_BYTES = 512 * 1024;

    /** Least {@link #linkBufferBytes}: 64 KiB. */
    public static final int MIN_LINK_BUFFER_BYTES = 64 * 1024;

    /** Most {@link #linkBufferBytes}: 16 MiB. */
    public static final int MAX_LINK_BUFFER_BYTES = 16 << 20;

    /** Longest {@link #busyPoll}: 10 ms. */
    public static final Duration MAX_BUSY_POLL = Duration.ofMillis(10);

    final String scheme;
    String listenHost;
    private int listenPort;
    Duration connectTimeout = TcpTransport.DEFAULT_CONNECT_TIMEOUT;
    long sendQueueBytes = TcpTransport.DEFAULT_SEND_QUEUE_BYTES;
    /** The send budget if set, else {@code 0} for the default. */
    long sendBudgetBytes;
    int maxLinks = DEFAULT_MAX_LINKS;
    int maxLinksPerAddress = DEFAULT_MAX_LINKS_PER_ADDRESS;
    Duration frameTimeout = DEFAULT_FRAME_TIMEOUT;
    Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    int linkBufferBytes = DEFAULT_LINK_BUFFER_BYTES;
    Duration busyPoll = Duration.ZERO;
    Acceptor.Hook acceptHook = Acceptor.Hook.NONE;
    private Path keyStore;
    private char[] keyStorePassword;
    private final Set<String> pins = new HashSet<>();

    TcpTransportBuilder(String scheme) {
        this.scheme = scheme;
    }

    /**
     * Listens at {@code SCHEME://HOST:PORT}, port 0 for any free port. The local destination
     * is this URI with the port actually bound, and the hello tells it to peers, which dial
     * it again once a link is lost; so give the host name or address peers use, not a
     * wildcard such as {@code 0.0.0.0}.
     *
     * @param uri {@code tcp://HOST:PORT} or, for TLS, {@code tls://HOST:PORT}
     * @return this builder
     * @throws IllegalArgumentException if {@code uri} is not of that form or has the other scheme
     */
    public TcpTransportBuilder listen(String uri) {
        InetSocketAddress address = Addresses.hostAndPort(Objects.requireNonNull(uri, "uri"), scheme, true);
        this.listenHost = address.getHostString();
        this.listenPort = address.getPort();
        return this;
    }

    /**
     * How long a dial may take to connect and, for TLS, to finish the handshake; also how
     * long an inbound link may take to finish the handshake and send its hello.
     *
     * @param timeout positive; 10 s ({@link TcpTransport#DEFAULT_CONNECT_TIMEOUT}) unless set
     * @return this builder
     */
    public TcpTransportBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive("connectTimeout", timeout);
        return this;
    }

    /**
     * How many bytes one link's send queue holds before senders wait. Sends from receive
     * callbacks skip the wait; at twice this bound the link fails.
     *
     * @param bytes at least 1; {@value TcpTransport#DEFAULT_SEND_QUEUE_BYTES} unless set
     * @return this builder
     */
    public TcpTransportBuilder sendQueueBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("sendQueueBytes must be at least 1: " + bytes);
        }
        this.sendQueueBytes = bytes;
        return this;
    }

    /**
     * How many bytes the send queues of all links may hold together. Past it, the link holding
     * the most queued bytes is closed, and the next, until the sum is within the budget again;
     * each is counted ({@link TcpTransport#overBudgetLinks}) and its peer lost, while the other
     * links keep all they queued. Each link's own queue stays bounded by {@link #sendQueueBytes}.
     *
     * @param bytes at least 1; unless set, {@link #defaultSendBudget} (an eighth of the largest
     *     heap, so 32 MiB in a 256 MiB heap), and at least both lanes of one link's queue
     * @return this builder
     */
    public TcpTransportBuilder sendBudgetBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("sendBudgetBytes must be at least 1: " + bytes);
        }
        this.sendBudgetBytes = bytes;
        return this;
    }

    /**
     * The default send budget over all links: an eighth of the largest heap the JVM may use
     * ({@link Runtime#maxMemory()}), but at most {@link #DEFAULT_SEND_BUDGET_CAP}.
     *
     * @return bytes
     */
    public static long defaultSendBudget() {
        return Math.min(DEFAULT_SEND_BUDGET_CAP, Runtime.getRuntime().maxMemory() / 8);
    }

    /** The send budget this builder gives: the one set, or the default, room for one link's two lanes at least. */
    long sendBudget() {
        return sendBudgetBytes > 0 ? sendBudgetBytes : Math.max(defaultSendBudget(), 2 * sendQueueBytes);
    }

    /**
     * How many links peers may have open to this endpoint at once. A link beyond the bound is
     * closed as soon as it is accepted, and counted ({@link TcpTransport#refusedLinks}); the links
     * open carry on. Links this endpoint dials are not counted.
     *
     * @param links at least 1; {@value #DEFAULT_MAX_LINKS} unless set
     * @return this builder
     */
    public TcpTransportBuilder maxLinks(int links) {
        this.maxLinks = atLeastOne("maxLinks", links);
        return this;
    }

    /**
     * How many links may be open at once from one source (IP) address, as {@link #maxLinks}.
     *
     * @param links at least 1; {@value #DEFAULT_MAX_LINKS_PER_ADDRESS} unless set
     * @return this builder
     */
    public TcpTransportBuilder maxLinksPerAddress(int links) {
        this.maxLinksPerAddress = atLeastOne("maxLinksPerAddress", links);
        return this;
    }

    /**
     * How long a frame may take to arrive whole once its first byte came; a link whose peer is
     * slower is closed, so a peer cannot hold a link open by trickling a frame.
     *
     * @param timeout positive; 30 s ({@link #DEFAULT_FRAME_TIMEOUT}) unless set
     * @return this builder
     */
    public TcpTransportBuilder frameTimeout(Duration timeout) {
        this.frameTimeout = positive("frameTimeout", timeout);
        return this;
    }

    /**
     * How long a link over which this endpoint has sent nothing (so it carries no connection of
     * ours) may go without receiving a message after its hello; then it is closed. A link that
     * carries traffic both ways stays until its peer is forgotten or the link fails.
     *
     * @param timeout positive, or zero for no limit; 60 s ({@link #DEFAULT_IDLE_TIMEOUT}) unless set
     * @return this builder
     */
    public TcpTransportBuilder idleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        this.idleTimeout = timeout.isZero() ? timeout : positive("idleTimeout", timeout);
        return this;
    }

    /**
     * How many bytes a link reads from its socket, or writes to it, in one system call at most.
     * Larger moves bulk with fewer system calls and fewer wake-ups of readers; but each link holds
     * a direct buffer of this size and 64 KiB more while a frame it reads is incomplete, and
     * another while its socket has no room for what it writes (over TLS one more of each), so a
     * server facing many untrusted peers may want it smaller (docs/robustness.md has the
     * arithmetic). An idle link holds none. Whatever the size, read buffers whose frames wait for
     * their readers are as many per endpoint as 8 MiB makes in this size (at least four).
     *
     * @param bytes {@value #MIN_LINK_BUFFER_BYTES} to {@value #MAX_LINK_BUFFER_BYTES}; 512 KiB
     *     ({@link #DEFAULT_LINK_BUFFER_BYTES}) unless set
     * @return this builder
     */
    public TcpTransportBuilder linkBufferBytes(int bytes) {
        if (bytes < MIN_LINK_BUFFER_BYTES || bytes > MAX_LINK_BUFFER_BYTES) {
            throw new IllegalArgumentException("linkBufferBytes must be " + MIN_LINK_BUFFER_BYTES + " to " + MAX_LINK_BUFFER_BYTES + ": " + bytes);
        }
        this.linkBufferBytes = bytes;
        return this;
    }

    /**
     * How long the thread that serves the links keeps polling their sockets without sleeping
     * after it last found work, before it sleeps until a socket is ready. Zero (the default) for
     * no polling. A message that comes while it polls is read without waking a sleeping thread,
     * which on loopback or a fast LAN is much of a round trip's time: a request and its answer,
     * such as a short connection opened, used and closed after another, take a fraction of the
     * time when both ends poll and run their work in readiness callbacks
     * ({@code StreamManager.connectAsync}, {@code StreamSocket.onReadable}). The price is a core
     * kept busy by each transport while messages keep coming and for this long after the last:
     * for latency-bound traffic where a core per transport is to spare, not for bulk transfers,
     * many transports in one process, or a machine short of CPU.
     *
     * @param time zero to {@link #MAX_BUSY_POLL}; 200 microseconds is a good start
     * @return this builder
     */
    public TcpTransportBuilder busyPoll(Duration time) {
        Objects.requireNonNull(time, "time");
        if (time.isNegative() || time.compareTo(MAX_BUSY_POLL) > 0) {
            throw new IllegalArgumentException("busyPoll must be zero to " + MAX_BUSY_POLL.toNanos() / 1000 + " microseconds: " + time);
        }
        this.busyPoll = time;
        return this;
    }

    /** For tests: {@code hook} runs on the accept thread for every socket accepted, before its admission. */
    TcpTransportBuilder acceptHook(Acceptor.Hook hook) {
        this.acceptHook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * TLS only: the key to present when listening, from a PKCS12 file holding exactly one
     * private key; its password must be the store's. Without it, a listening TLS endpoint
     * generates a self-signed EC P-256 key, new each time it is built.
     *
     * @param path the PKCS12 file
     * @param password the store's and the key's password; copied
     * @return this builder
     * @throws IllegalStateException if this builder is for plain TCP
     */
    public TcpTransportBuilder keyStore(Path path, char[] password) {
        requireTls("keyStore");
        this.keyStore = Objects.requireNonNull(path, "path");
        this.keyStorePassword = Objects.requireNonNull(password, "password").clone();
        return this;
    }

    /**
     * TLS only: trusts servers whose certificate has this SHA-256 fingerprint (64 hex digits,
     * any case, colons allowed). May be called for several servers. A dial to a server whose
     * certificate is not pinned fails.
     *
     * @param fingerprint as {@link TcpTransport#certificateFingerprint()} gives it, or in any
     *     case without colons
     * @return this builder
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
     * @throws IllegalStateException if this builder is for plain TCP
     */
    public TcpTransportBuilder pin(String fingerprint) {
        requireTls("pin");
        pins.add(Fingerprints.canonical(Objects.requireNonNull(fingerprint, "fingerprint")));
        return this;
    }

    /**
     * Makes the transport, binding its listening socket if it listens.
     *
     * @return the transport, not started
     * @throws IOException if it cannot bind, or the key store cannot be read
     * @throws IllegalStateException if a key store is given but the endpoint does not listen
     */
    public TcpTransport build() throws IOException {
        boolean listening = listenHost != null;
        if (keyStore != null && !listening) {
            throw new IllegalStateException("a key store is for listening; call listen(...) too");
        }
        Tls tls = scheme.equals(TcpTransport.TLS)
                ? Tls.create(listening, keyStore, keyStore != null ? keyStorePassword : new char[0], pins) : null;
        if (!listening) {
            return new TcpTransport(this, null, tls);
        }
        ServerSocket server = ServerSocketChannel.open().socket();
        try {
            server.bind(new InetSocketAddress(listenHost, listenPort));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen at " + scheme + "://" + listenHost + ":" + listenPort + ": " + Reasons.of(e), e);
        }
        try {
            return new TcpTransport(this, server, tls);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    private static Duration positive(String setting, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive: " + timeout);
        }
        return timeout;
    }

    private static int atLeastOne(String setting, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1: " + value);
        }
        return value;
    }

    private void requireTls(String setting) {
        if (!scheme.equals(TcpTransport.TLS)) {
            throw new IllegalStateException(setting + " is for TLS; use TcpTransport.tls()");
        }
    }
}
