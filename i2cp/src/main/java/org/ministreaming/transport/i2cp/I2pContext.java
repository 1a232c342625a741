package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import net.i2p.I2PAppContext;

/**
 * The I2P library context the transports share, one per JVM. Without one of our own, I2P's
 * client library would take its directories from the working directory and write its log files
 * into a {@code logs} folder there, errors of a routine session close included. This context keeps
 * its directories in a private temporary folder, deleted when the JVM exits, and logs only I2P's critical messages. Thread-safe.
 */
final class I2pContext {

    private static I2PAppContext context;

    private I2pContext() {
    }

    /** The shared context, made on first use. */
    static synchronized I2PAppContext get() {
        if (context == null) {
            context = create();
        }
        return context;
    }

    private static I2PAppContext create() {
        Path home;
        try {
            home = Files.createTempDirectory("ministreaming-i2p-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary folder for I2P's client library", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(home), "ministreaming-i2p-cleanup"));
        Properties properties = new Properties();
        for (String dir : new String[] {"i2p.dir.base", "i2p.dir.config", "i2p.dir.router", "i2p.dir.pid", "i2p.dir.log", "i2p.dir.app"}) {
            properties.setProperty(dir, home.toString());
        }
        // I2P's own classes make a global context on first use (generating keys, parsing a
        // destination). A second context that tries to become the global one prints a warning on
        // System.out and a stack trace on System.err, which would end up in a netcat's output, so
        // this one becomes global only while there is none.
        I2PAppContext created = I2PAppContext.getCurrentContext() == null
                ? new I2PAppContext(properties)
                : new I2PAppContext(false, properties) { };
        created.logManager().setDefaultLimit("CRIT");
        created.logManager().setBaseLogfilename(home.resolve("i2p-@.txt").toString());
        return created;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Exiting: a folder left in the temporary directory is all that can go wrong.
        }
    }
}
