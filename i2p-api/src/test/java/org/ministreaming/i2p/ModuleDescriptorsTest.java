package org.ministreaming.i2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import net.i2p.client.streaming.I2PSocketManager;
import org.junit.jupiter.api.Test;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.i2cp.I2cpTransport;

/**
 * The module descriptors, resolved as a program on the module path would resolve them: the
 * library's three modules with I2P's jars as automatic modules. The tests themselves run on the
 * class path, so this is where the descriptors are checked at run time.
 */
class ModuleDescriptorsTest {

    private static Path jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleLayer layer() throws Exception {
        ModuleFinder finder = ModuleFinder.of(jarOf(StreamManager.class), jarOf(I2cpTransport.class),
                jarOf(MinistreamingSocketManagerFactory.class), jarOf(net.i2p.data.Destination.class),
                jarOf(I2PSocketManager.class));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of("org.ministreaming.i2p"));
        return ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theCoreModuleExportsItsApiAndKeepsTheEngineInternal() throws Exception {
        Module core = layer().findModule("org.ministreaming").orElseThrow();
        Set<String> exported = core.getDescriptor().exports().stream()
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).containsExactlyInAnyOrder("org.ministreaming", "org.ministreaming.net",
                "org.ministreaming.transport", "org.ministreaming.transport.memory", "org.ministreaming.transport.reliable",
                "org.ministreaming.transport.tcp", "org.ministreaming.wire");
        assertThat(core.getPackages()).contains("org.ministreaming.engine");
        assertThat(core.isExported("org.ministreaming.engine")).isFalse();
        assertThat(core.getDescriptor().requires().stream().map(ModuleDescriptor.Requires::name))
                .containsExactly("java.base");
    }

    @Test
    void theI2pModulesResolveWithI2psJarsAsAutomaticModules() throws Exception {
        ModuleLayer layer = layer();
        Module i2cp = layer.findModule("org.ministreaming.i2cp").orElseThrow();
        Module api = layer.findModule("org.ministreaming.i2p").orElseThrow();
        assertThat(i2cp.getDescriptor().exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("org.ministreaming.transport.i2cp");
        assertThat(api.getDescriptor().exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("org.ministreaming.i2p");
        assertThat(layer.findModule("i2p").orElseThrow().getDescriptor().isAutomatic()).isTrue();
        assertThat(layer.findModule("mstreaming").orElseThrow().getDescriptor().isAutomatic()).isTrue();
        assertThat(api.canRead(layer.findModule("org.ministreaming").orElseThrow())).isTrue();
    }

    @Test
    void aManagerRunsInsideTheModuleLayer() throws Exception {
        ModuleLayer layer = layer();
        ClassLoader loader = layer.findLoader("org.ministreaming");
        Class<?> networkType = loader.loadClass("org.ministreaming.transport.memory.MemoryNetwork");
        Class<?> transportType = loader.loadClass("org.ministreaming.transport.Transport");
        Class<?> managerType = loader.loadClass("org.ministreaming.StreamManager");
        assertThat(managerType.getModule().getName()).isEqualTo("org.ministreaming");

        Object network = networkType.getConstructor().newInstance();
        Object transport = networkType.getMethod("endpoint", String.class).invoke(network, "in-a-layer");
        try (AutoCloseable manager = (AutoCloseable) managerType.getMethod("open", transportType).invoke(null, transport)) {
            assertThat(managerType.getMethod("localDestination").invoke(manager)).hasToString("mem:in-a-layer");
        }
    }
}
