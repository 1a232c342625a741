package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ministreaming.StreamManager;
import org.ministreaming.bench.throughput.Throughput;
import org.ministreaming.transport.i2cp.I2cpTransport;
import picocli.CommandLine;

/**
 * The command-line tool's module descriptor, resolved as on the module path, with picocli and
 * I2P's jars as automatic modules. The other tests run on the class path; this one runs a command
 * inside the module layer, so picocli fills the commands' options across the module boundary and
 * a missing {@code opens} or {@code requires} fails here.
 */
class CliModuleTest {

    private static Path locationOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleLayer.Controller layer() throws Exception {
        ModuleFinder finder = ModuleFinder.of(locationOf(Main.class), locationOf(StreamManager.class),
                locationOf(I2cpTransport.class), locationOf(Throughput.class), locationOf(net.i2p.data.Destination.class),
                locationOf(net.i2p.router.Router.class), locationOf(CommandLine.class));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of("org.ministreaming.cli"));
        return ModuleLayer.defineModulesWithOneLoader(configuration, List.of(ModuleLayer.boot()), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theModuleExportsNothingAndOpensItsCommandsOnlyToPicocli() throws Exception {
        ModuleDescriptor descriptor = layer().layer().findModule("org.ministreaming.cli").orElseThrow().getDescriptor();
        assertThat(descriptor.exports()).isEmpty();
        assertThat(descriptor.opens()).allSatisfy(opens -> assertThat(opens.targets()).containsExactly("info.picocli"));
        assertThat(descriptor.opens()).extracting(ModuleDescriptor.Opens::source)
                .containsExactly("org.ministreaming.cli");
    }

    @Test
    void theDemoRunsInsideTheModuleLayer() throws Exception {
        String out = runInsideTheModuleLayer("demo");

        assertThat(out).contains("mem:");
    }

    @Test
    void theBenchRunsInsideTheModuleLayerWithoutJmh() throws Exception {
        String out = runInsideTheModuleLayer("bench", "--size", "1M", "--warmup", "0");

        assertThat(out).contains("ministreaming: ", "raw TCP: ", "ratio ministreaming / raw TCP: ");
    }

    /** Runs the command line inside the module layer; returns what it printed, failing unless it exits with 0. */
    private static String runInsideTheModuleLayer(String... arguments) throws Exception {
        ModuleLayer.Controller controller = layer();
        Module cli = controller.layer().findModule("org.ministreaming.cli").orElseThrow();
        // As the java launcher may call a module's main class, this test may call into the
        // module: only for this test's own module, and only the package of Main.
        controller.addExports(cli, "org.ministreaming.cli", CliModuleTest.class.getModule());
        Class<?> main = cli.getClassLoader().loadClass("org.ministreaming.cli.Main");
        Object commandLine = main.getMethod("commandLine").invoke(null);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Class<?> type = commandLine.getClass();
        type.getMethod("setOut", PrintWriter.class).invoke(commandLine, new PrintWriter(out, true));
        type.getMethod("setErr", PrintWriter.class).invoke(commandLine, new PrintWriter(err, true));

        int code = (int) type.getMethod("execute", String[].class).invoke(commandLine, (Object) arguments);

        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }
}
