package org.ministreaming.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version {@code --version} prints, taken from the build (the Maven project version).
 *
 * <p>Stateless and thread-safe.
 */
final class VersionProvider implements IVersionProvider {

    private static final String RESOURCE = "version.properties";

    /** One line: the program name and its version. */
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the build left out " + RESOURCE);
            }
            properties.load(in);
        }
        return new String[] {"ministreaming " + properties.getProperty("version", "(unknown version)")};
    }
}
