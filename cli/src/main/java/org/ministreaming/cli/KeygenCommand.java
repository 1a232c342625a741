package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.i2p.crypto.SigType;
import org.ministreaming.transport.i2cp.I2pKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ministreaming keygen}: writes a new I2P identity to a private key file, for
 * {@code --keys}, and prints its destination. Needs no router.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = {
            "Writes new I2P keys to FILE, in I2P's private key format (as I2PTunnel reads it), for --keys; never overwrites a file.",
            "Prints the destination on the standard output: first the i2p: URI that peers dial, then its .b32.i2p name."},
        footer = {"", "Example:", "  ministreaming keygen server.dat"})
final class KeygenCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The key file to write; it must not exist.")
    private Path file;

    @Option(names = "--classic",
            description = "A classic destination of 387 bytes (DSA-SHA1 signatures), as the original implementation's peers have,"
                    + " instead of Ed25519 (391 bytes), I2P's default for new destinations.")
    private boolean classic;

    @Spec
    private CommandSpec spec;

    /** Writes the keys and prints the destination. */
    @Override
    public Integer call() throws IOException {
        Main.refuseTrace(spec, "keygen sends no messages");
        I2pKeys keys = I2pKeys.generate(classic ? SigType.DSA_SHA1 : I2pKeys.DEFAULT_SIGNATURE);
        try {
            keys.write(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists already; keygen never overwrites keys", e);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + FileErrors.reason(e), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(keys.destination());
        out.println(keys.base32());
        out.flush();
        return ExitCodes.OK;
    }
}
