package org.ministreaming.transport.i2cp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real I2P router in a child JVM ({@link RouterMain}), with no network access, listening for
 * I2CP on a loopback port. Its files live in a temporary directory that {@link #close()} deletes.
 *
 * <p>If the test JVM dies, the child notices that its standard input ended and exits.
 *
 * <p>Loading this class also points the log directory of I2P's client library in the test JVM
 * ({@code i2p.dir.log}), unless set, to {@code target/i2p-client}: by default the client
 * writes its logs to {@code logs/} in the working directory, the module's source tree.
 */
public final class I2pRouter implements AutoCloseable {

    private static final long START_LIMIT_SECONDS = 60;
    private static final long EXIT_LIMIT_SECONDS = 10;
    private static final String OUTPUT_FILE = "router-output.txt";
    private static final String CLIENT_LOG_DIR = "i2p.dir.log";

    static {
        if (System.getProperty(CLIENT_LOG_DIR) == null) {
            System.setProperty(CLIENT_LOG_DIR,
                    Path.of("target", "i2p-client").toAbsolutePath().toString());
        }
    }

    private final int port;
    private final Path baseDir;
    private final Process process;
    private final RouterOutput output;

    private I2pRouter(int port, Path baseDir, Process process, RouterOutput output) {
        this.port = port;
        this.baseDir = baseDir;
        this.process = process;
        this.output = output;
    }

    /**
     * Starts a router on a free loopback port and waits until it accepts I2CP connections.
     *
     * @throws IOException if the router does not start in time; the message ends with its output
     */
    public static I2pRouter start() throws IOException {
        return start(freePort());
    }

    /**
     * Starts a router whose I2CP interface listens on {@code port}, and waits until it accepts
     * connections.
     *
     * @throws IOException if the router does not start in time; the message ends with its output
     */
    public static I2pRouter start(int port) throws IOException {
        Path baseDir = Files.createTempDirectory("i2p-router");
        Process process;
        try {
            process = new ProcessBuilder(command(port, baseDir))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            deleteTree(baseDir);
            throw e;
        }
        RouterOutput output = RouterOutput.follow(process.getInputStream(),
                baseDir.resolve(OUTPUT_FILE));
        I2pRouter router = new I2pRouter(port, baseDir, process, output);
        router.awaitReady();
        return router;
    }

    /** The address of the router's I2CP interface: {@code 127.0.0.1}. */
    public String host() {
        return RouterMain.HOST;
    }

    /** The TCP port of the router's I2CP interface. */
    public int i2cpPort() {
        return port;
    }

    /** The temporary directory holding the router's files (and its output). */
    public Path baseDir() {
        return baseDir;
    }

    /** Whether the router's process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Options for an I2CP session on this router: its host and port, one zero-hop tunnel each
     * way, and no published lease set. Callers may add their own.
     */
    public Properties sessionOptions() {
        Properties props = new Properties();
        props.setProperty("i2cp.tcp.host", host());
        props.setProperty("i2cp.tcp.port", Integer.toString(port));
        props.setProperty("inbound.length", "0");
        props.setProperty("outbound.length", "0");
        props.setProperty("inbound.quantity", "1");
        props.setProperty("outbound.quantity", "1");
        props.setProperty("inbound.backupQuantity", "0");
        props.setProperty("outbound.backupQuantity", "0");
        props.setProperty("i2cp.dontPublishLeaseSet", "true");
        return props;
    }

    /**
     * Names a destination in the router's address book ({@code router/hosts.txt}, which its
     * naming service reads when asked), so that its sessions can look {@code name} up.
     *
     * @param name a host name such as {@code example.i2p}
     * @param destinationBase64 the destination in I2P's Base64
     * @throws IOException if the file cannot be written
     */
    public synchronized void addHostName(String name, String destinationBase64) throws IOException {
        Files.writeString(hostsFile(), name + "=" + destinationBase64 + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Takes every name out of the router's address book again.
     *
     * @throws IOException if the file cannot be deleted
     */
    public synchronized void clearHostNames() throws IOException {
        Files.deleteIfExists(hostsFile());
    }

    private Path hostsFile() {
        return baseDir.resolve("router").resolve("hosts.txt");
    }

    /**
     * Stops the router abruptly, as a crash would, and waits until its process is gone. Its files
     * stay until {@link #close()}.
     */
    public void kill() {
        process.destroyForcibly();
        awaitExit(EXIT_LIMIT_SECONDS);
    }

    /**
     * Stops this router (if {@link #kill()} has not already) and deletes its files, then starts a
     * new router, with a new identity, listening on the same I2CP port.
     *
     * @throws IOException if the new router does not start in time
     */
    public I2pRouter restart() throws IOException {
        close();
        return start(port);
    }

    /**
     * Stops the router: closes its standard input, which asks it to shut down, kills it if it has
     * not exited within ten seconds, and deletes its files.
     */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyGone) {
            process.destroyForcibly();
        }
        if (!awaitExit(EXIT_LIMIT_SECONDS)) {
            process.destroyForcibly();
            awaitExit(EXIT_LIMIT_SECONDS);
        }
        output.awaitEnd(EXIT_LIMIT_SECONDS);
        deleteTree(baseDir);
    }

    private void awaitReady() throws IOException {
        try {
            output.ready().get(START_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            close();
            throw new IOException("the I2P router on port " + port + " did not start; "
                    + "its output ends with:\n" + output.tail(), e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the I2P router started", e);
        }
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static List<String> command(int port, Path baseDir) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xmx256m");
        command.add("-DI2P_DISABLE_OUTPUT_OVERRIDE=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RouterMain.class.getName());
        command.add(Integer.toString(port));
        command.add(baseDir.toAbsolutePath().toString());
        return command;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the router's files in " + root, e);
        }
    }
}
