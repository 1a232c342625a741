package org.ministreaming.transport.i2cp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import net.i2p.CoreVersion;
import net.i2p.client.I2PClient;
import net.i2p.data.i2cp.GetDateMessage;
import net.i2p.data.i2cp.I2CPMessageException;
import net.i2p.data.i2cp.I2CPMessageHandler;
import net.i2p.data.i2cp.SetDateMessage;
import net.i2p.router.Router;

/**
 * An I2P router with no network access, listening for I2CP on loopback only: the main class of
 * the child JVM that {@link I2pRouter} starts.
 *
 * <p>Arguments: {@code <i2cpPort> <baseDir>}. Prints {@value #READY} on a line of its own once
 * the router answers on its I2CP port, then runs until its standard input ends (the parent closed
 * it, or died), and halts the JVM, so that no router thread can keep it alive.
 *
 * <p>The JVM must run with {@code -DI2P_DISABLE_OUTPUT_OVERRIDE=true}; otherwise the router
 * redirects {@code System.out} and {@code System.err} to its log files.
 */
public final class RouterMain {

    /** The line printed once the router answers on its I2CP port. */
    public static final String READY = "READY";

    /** The loopback address the router's I2CP interface listens on. */
    static final String HOST = "127.0.0.1";

    private static final long STARTUP_LIMIT_MILLIS = TimeUnit.SECONDS.toMillis(30);
    private static final long POLL_PAUSE_MILLIS = 100;
    private static final int ANSWER_LIMIT_MILLIS = 5000;
    private static final long SHUTDOWN_LIMIT_MILLIS = TimeUnit.SECONDS.toMillis(8);

    private RouterMain() {
    }

    /**
     * Starts the router, reports readiness, and stops it when standard input ends.
     *
     * @param args the I2CP port and the base directory for all of the router's files
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: RouterMain <i2cpPort> <baseDir>");
            Runtime.getRuntime().halt(2);
        }
        try {
            run(Integer.parseInt(args[0]), Path.of(args[1]));
        } catch (Throwable e) {
            e.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
        Runtime.getRuntime().halt(0);
    }

    private static void run(int port, Path baseDir) throws IOException, InterruptedException {
        Router router = new Router(routerProperties(port, baseDir));
        router.setKillVMOnEnd(false);
        router.runRouter();
        if (!awaitPort(port)) {
            throw new IOException("the router's I2CP port " + port + " did not answer within "
                    + STARTUP_LIMIT_MILLIS / 1000 + " s");
        }
        System.out.println(READY);
        System.out.flush();
        drain(System.in);
        stop(router);
    }

    /** The router's configuration: every file under {@code baseDir}, no transports, no clients. */
    private static Properties routerProperties(int port, Path baseDir) throws IOException {
        Properties props = new Properties();
        props.setProperty("i2p.dir.base", dir(baseDir, "base"));
        props.setProperty("i2p.dir.config", dir(baseDir, "config"));
        props.setProperty("i2p.dir.router", dir(baseDir, "router"));
        props.setProperty("i2p.dir.pid", dir(baseDir, "pid"));
        props.setProperty("i2p.dir.log", dir(baseDir, "logs"));
        props.setProperty("i2p.dir.app", dir(baseDir, "app"));
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
        return props;
    }

    private static String dir(Path baseDir, String name) throws IOException {
        return Files.createDirectories(baseDir.resolve(name)).toAbsolutePath().toString();
    }

    /**
     * Polls until the router answers on the I2CP port, for at most the startup limit. A TCP
     * connection alone is not enough: some other program may hold the port.
     */
    private static boolean awaitPort(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + STARTUP_LIMIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (answersI2cp(port)) {
                return true;
            }
            Thread.sleep(POLL_PAUSE_MILLIS);
        }
        return false;
    }

    /** Whether an I2CP router on {@code port} answers a GetDate message with a SetDate. */
    private static boolean answersI2cp(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), ANSWER_LIMIT_MILLIS);
            socket.setSoTimeout(ANSWER_LIMIT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(I2PClient.PROTOCOL_BYTE);
            new GetDateMessage(CoreVersion.VERSION).writeMessage(out);
            out.flush();
            return I2CPMessageHandler.readMessage(socket.getInputStream())
                    instanceof SetDateMessage;
        } catch (IOException | I2CPMessageException notYet) {
            return false;
        }
    }

    /** Reads {@code in} until it ends, or fails. */
    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException closed) {
            return;
        }
    }

    /** Shuts the router down, giving up after a bound: the JVM is halted either way. */
    private static void stop(Router router) throws InterruptedException {
        Thread stopper = new Thread(() -> router.shutdown(Router.EXIT_HARD), "router-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(SHUTDOWN_LIMIT_MILLIS);
    }
}
