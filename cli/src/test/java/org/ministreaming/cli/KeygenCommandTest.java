package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.i2cp.I2pDestinations;
import org.ministreaming.transport.i2cp.I2pKeys;

/** {@code keygen}: new I2P keys in a file, their destination on the output. */
class KeygenCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesKeysThatLoadAndPrintsTheirDestination() throws Exception {
        Path file = dir.resolve("server.dat");

        Run run = Run.of("keygen", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).isEmpty();
        I2pKeys keys = I2pKeys.load(file);
        assertThat(run.out()).isEqualTo(keys.destination() + "\n" + keys.base32() + "\n");
        assertThat(run.out()).startsWith("i2p:").containsPattern("\n[a-z2-7]{52}\\.b32\\.i2p\n$");
        assertThat(keys.signatureType()).isEqualTo(SigType.EdDSA_SHA512_Ed25519);
    }

    @Test
    void classicGivesTheOriginalsDestinationOf387Bytes() throws Exception {
        Path file = dir.resolve("classic.dat");

        Run run = Run.of("keygen", "--classic", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        Destination printed = Destination.of(run.out().lines().findFirst().orElseThrow());
        assertThat(I2pDestinations.fromUri(printed).size()).isEqualTo(387);
        assertThat(I2pKeys.load(file).signatureType()).isEqualTo(SigType.DSA_SHA1);
    }

    @Test
    void refusesToOverwriteAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.dat"), "not to be lost");

        Run run = Run.of("keygen", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).isEqualTo("ministreaming: " + file + " exists already; keygen never overwrites keys\n");
        assertThat(run.out()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo("not to be lost");
    }

    @Test
    void aDirectoryThatIsNotThereIsAnIoError() {
        Path file = dir.resolve("missing").resolve("keys.dat");

        Run run = Run.of("keygen", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).isEqualTo("ministreaming: cannot write " + file + ": no such file or directory\n");
    }

    @Test
    void theFileIsAUsageErrorWhenMissing() {
        Run run = Run.of("keygen");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("ministreaming: Missing required parameter: 'FILE' (see 'ministreaming keygen --help')\n");
    }
}
