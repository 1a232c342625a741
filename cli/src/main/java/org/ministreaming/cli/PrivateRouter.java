package org.ministreaming.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.i2p.CoreVersion;
import net.i2p.client.I2PClient;
import net.i2p.data.i2cp.GetDateMessage;
import net.i2p.data.i2cp.I2CPMessageException;
import net.i2p.data.i2cp.I2CPMessageHandler;
import net.i2p.data.i2cp.SetDateMessage;
import net.i2p.router.Router;

/**
 * I2P's own router (2.7.0, from Maven Central) in this JVM, with no network at all: no
 * transports, no reseeding, hidden, not a floodfill, its I2CP interface on loopback only, every
 * file under one directory. It has no peers, so its sessions can only use tunnels of zero hops:
 * it gives them those whatever lengths they ask for ({@link ZeroHopPools}), so that a session
 * with I2P's default options works on it too. Its sessions reach only each other: a router to try
 * the I2CP transport on, not to join I2P with.
 *
 * <p>I2P's router prints to {@code System.out} and {@code System.err} on threads of its own, so
 * {@link #start} sends both to {@value #OUTPUT_FILE} in its directory for good: the JVM is meant
 * to run nothing else ({@code ministreaming router}), and the command's own writers, taken
 * before, keep the terminal.
 *
 * <p>Thread-safe: {@link #start} returns a running router, {@link #stop} may be called from any
 * thread and is idempotent.
 */
final class PrivateRouter implements AutoCloseable {

    /** The loopback address its I2CP interface listens on. */
    static final String HOST = "127.0.0.1";

    private static final long POLL_MILLIS = 100;
    private static final int ANSWER_LIMIT_MILLIS = 5_000;
    private static final long SHUTDOWN_LIMIT_MILLIS = 8_000;
    /** Unless set, I2P's router sends {@code System.out} and {@code System.err} to its log files. */
    private static final String KEEP_OUTPUT = "I2P_DISABLE_OUTPUT_OVERRIDE";
    /** Where what the router prints goes. */
    static final String OUTPUT_FILE = "output.txt";

    private final Router router;
    private final int port;
    private final Path dir;
    private final boolean deleteDir;
    private ZeroHopPools zeroHop;
    private boolean stopped;

    private PrivateRouter(Router router, int port, Path dir, boolean deleteDir) {
        this.router = router;
        this.port = port;
        this.dir = dir;
        this.deleteDir = deleteDir;
    }

    /**
     * Starts a router and waits until it answers on its I2CP port.
     *
     * @param port the I2CP port on {@link #HOST}; 0 for a free one
     * @param dir where its files go, kept afterwards; {@code null} for a temporary directory that
     *     {@link #stop} deletes
     * @param startLimit how long it may take to answer
     * @throws BindException if {@code port} is in use
     * @throws IOException if it did not answer in time
     */
    static PrivateRouter start(int port, Path dir, Duration startLimit) throws IOException {
        int i2cpPort = port != 0 ? ensureFree(port) : freePort();
        Path base = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ministreaming-router");
        if (System.getProperty(KEEP_OUTPUT) == null) {
            System.setProperty(KEEP_OUTPUT, "true");
        }
        PrintStream output = new PrintStream(Files.newOutputStream(base.resolve(OUTPUT_FILE)), true, StandardCharsets.UTF_8);
        System.setOut(output);
        System.setErr(output);
        Router router = new Router(properties(i2cpPort, base));
        router.setKillVMOnEnd(false);
        PrivateRouter started = new PrivateRouter(router, i2cpPort, base, dir == null);
        router.runRouter();
        try {
            started.zeroHop(ZeroHopPools.start(router.getContext()));
            started.awaitI2cp(startLimit);
        } catch (IOException | RuntimeException e) {
            started.stop();
            throw e;
        }
        return started;
    }

    /** The address of its I2CP interface, {@code 127.0.0.1:PORT}. */
    HostPort address() {
        return new HostPort(HOST, port);
    }

    /** The directory of its files. */
    Path dir() {
        return dir;
    }

    /** Its address book, where {@code NAME.i2p=<Base64 destination>} lines name destinations. */
    Path hostsFile() {
        return dir.resolve("router").resolve("hosts.txt");
    }

    /** Shuts the router down (giving up after 8 s) and deletes a temporary directory. Idempotent. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (zeroHop != null) {
            zeroHop.stop();
        }
        Thread stopper = new Thread(() -> router.shutdown(Router.EXIT_HARD), "ministreaming-router-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(SHUTDOWN_LIMIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deleteDir) {
            deleteTree(dir);
        }
    }

    /** The same as {@link #stop}. */
    @Override
    public void close() {
        stop();
    }

    private synchronized void zeroHop(ZeroHopPools pools) {
        zeroHop = pools;
    }

    private void awaitI2cp(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!answersI2cp()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the private I2P router did not answer on its I2CP port " + address() + " within "
                        + limit.toSeconds() + " s; its logs are in " + dir.resolve("logs"));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the private I2P router started", e);
            }
        }
    }

    /** Whether an I2CP router answers a GetDate with a SetDate: a TCP connection alone could be another program. */
    private boolean answersI2cp() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), ANSWER_LIMIT_MILLIS);
            socket.setSoTimeout(ANSWER_LIMIT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(I2PClient.PROTOCOL_BYTE);
            new GetDateMessage(CoreVersion.VERSION).writeMessage(out);
            out.flush();
            return I2CPMessageHandler.readMessage(socket.getInputStream()) instanceof SetDateMessage;
        } catch (IOException | I2CPMessageException notYet) {
            return false;
        }
    }

    /** Every file under {@code base}, no transports, no reseeding, I2CP on loopback. */
    private static Properties properties(int port, Path base) throws IOException {
        Properties props = new Properties();
        for (String name : new String[] {"base", "config", "router", "pid", "log", "app"}) {
            props.setProperty("i2p.dir." + name, Files.createDirectories(base.resolve(name.equals("log") ? "logs" : name)).toString());
        }
        props.setProperty("i2np.ntcp.enable", "false");
        props.setProperty("i2np.udp.enable", "false");
        props.setProperty("i2np.upnp.enable", "false");
        props.setProperty("router.reseedDisable", "true");
        props.setProperty("time.disabled", "true");
        props.setProperty("router.disableTunnelTesting", "true");
        props.setProperty("router.hiddenMode", "true");
        props.setProperty("router.floodfillParticipant", "false");
        props.setProperty("router.rejectStartupTime", "0");
        props.setProperty("i2cp.hostname", HOST);
        props.setProperty("i2cp.port", Integer.toString(port));
        props.setProperty("logger.displayOnScreen", "false");
        return props;
    }

    /** Checks that nothing listens on {@code port}: otherwise the router's I2CP interface would fail and another answer. */
    private static int ensureFree(int port) throws BindException {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            BindException taken = new BindException("cannot listen for I2CP on " + HOST + ":" + port
                    + ": the port is in use (by another I2P router? Then use that one, with --i2cp " + HOST + ":" + port + ")");
            taken.initCause(e);
            throw taken;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Deletes what it can: a router that did not stop in time may still be writing files. */
    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            System.getLogger(PrivateRouter.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete all of the router's files in " + root + ": " + Reasons.of(e));
        }
    }
}
