package org.ministreaming.i2p;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import net.i2p.I2PAppContext;

/** An I2P context for I2P's utilities in tests, its directories and logs in a folder of the test's own. */
final class PrivateI2pContext {

    private PrivateI2pContext() {
    }

    /** A context whose directories are {@code home}. */
    static I2PAppContext in(Path home) throws IOException {
        Files.createDirectories(home);
        Properties properties = new Properties();
        for (String dir : new String[] {"i2p.dir.base", "i2p.dir.config", "i2p.dir.router", "i2p.dir.pid", "i2p.dir.log", "i2p.dir.app"}) {
            properties.setProperty(dir, home.toString());
        }
        I2PAppContext context = I2PAppContext.getCurrentContext() == null
                ? new I2PAppContext(properties)
                : new I2PAppContext(false, properties) { };
        context.logManager().setDefaultLimit("CRIT");
        context.logManager().setBaseLogfilename(home.resolve("i2p-@.txt").toString());
        return context;
    }
}
