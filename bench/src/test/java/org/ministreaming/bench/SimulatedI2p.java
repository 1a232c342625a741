package org.ministreaming.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import net.i2p.I2PAppContext;
import net.i2p.data.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;
import org.ministreaming.transport.memory.PathConditions;

/**
 * A simulated I2P network for I2P's own streaming library: a {@link MemoryNetwork} whose endpoints
 * are I2P sessions ({@link SimulatedI2pSession}), the directory from their I2P destinations to
 * the endpoints' names, and the I2P library context they share, kept in a temporary folder.
 * Simulated paths between endpoints are set on {@link #network()}.
 *
 * <p>Thread-safe.
 */
final class SimulatedI2p implements AutoCloseable {

    private static I2PAppContext context;

    private final MemoryNetwork network;
    private final Map<Destination, org.ministreaming.transport.Destination> directory = new ConcurrentHashMap<>();

    /** A network whose losses and jitter come from {@code random}. */
    SimulatedI2p(Random random) {
        this.network = new MemoryNetwork(random);
    }

    /** The in-memory network underneath, where paths are set. */
    MemoryNetwork network() {
        return network;
    }

    /** Opens an I2P session with new keys, registered as {@code mem:NAME}. */
    SimulatedI2pSession open(String name) throws IOException {
        MemoryTransport endpoint = network.endpoint(name);
        SimulatedI2pSession session = SimulatedI2pSession.open(endpoint, this);
        directory.put(session.destination(), endpoint.localDestination());
        return session;
    }

    /** Sets {@code conditions} on the path between two sessions, both ways. */
    void setPath(SimulatedI2pSession a, SimulatedI2pSession b, PathConditions conditions) {
        network.setPath(a.endpoint().localDestination(), b.endpoint().localDestination(), conditions);
    }

    /** The endpoint of the session with I2P destination {@code destination}. */
    org.ministreaming.transport.Destination endpointOf(Destination destination) throws IOException {
        org.ministreaming.transport.Destination endpoint = directory.get(destination);
        if (endpoint == null) {
            throw new IOException("no simulated session has the destination " + destination.toBase32());
        }
        return endpoint;
    }

    @Override
    public void close() {
        directory.clear();
    }

    /**
     * The I2P library context of every simulated session, made on first use, with its directories
     * in a temporary folder deleted when the JVM exits and only critical messages logged.
     */
    static synchronized I2PAppContext context() {
        if (context == null) {
            context = createContext();
        }
        return context;
    }

    private static I2PAppContext createContext() {
        Path home;
        try {
            home = Files.createTempDirectory("ministreaming-sim-i2p-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary folder for I2P's library", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(home), "ministreaming-sim-i2p-cleanup"));
        Properties properties = new Properties();
        for (String dir : new String[] {"i2p.dir.base", "i2p.dir.config", "i2p.dir.router", "i2p.dir.pid", "i2p.dir.log", "i2p.dir.app"}) {
            properties.setProperty(dir, home.toString());
        }
        I2PAppContext created = I2PAppContext.getCurrentContext() == null ? new I2PAppContext(properties) : new I2PAppContext(false, properties) { };
        created.logManager().setDefaultLimit("CRIT");
        created.logManager().setBaseLogfilename(home.resolve("i2p-@.txt").toString());
        return created;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Exiting: a folder left in the temporary directory is all that can go wrong.
        }
    }
}
