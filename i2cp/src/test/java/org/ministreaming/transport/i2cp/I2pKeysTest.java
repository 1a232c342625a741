package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import net.i2p.client.I2PClientFactory;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ministreaming.transport.Destination;

class I2pKeysTest {

    @TempDir
    Path dir;

    @Test
    void keysWrittenReadBackAsTheSameIdentityAndOnlyTheOwnerMayReadThem() throws IOException {
        I2pKeys keys = I2pKeys.generate();
        Path file = dir.resolve("server.keys");

        keys.write(file);
        I2pKeys loaded = I2pKeys.load(file);

        assertThat(loaded).isEqualTo(keys);
        assertThat(loaded.destination()).isEqualTo(keys.destination());
        assertThat(loaded.signatureType()).isEqualTo(SigType.EdDSA_SHA512_Ed25519);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aKeyFileMadeByI2psOwnLibraryIsRead() throws Exception {
        Path file = dir.resolve("i2ptunnel-privKeys.dat");
        net.i2p.data.Destination made;
        try (var out = Files.newOutputStream(file)) {
            made = I2PClientFactory.createClient().createDestination(out, SigType.ECDSA_SHA256_P256);
        }

        assertThat(I2pKeys.load(file).destination()).isEqualTo(I2pDestinations.toUri(made));
    }

    @Test
    void keysAreNeverOverwritten() throws IOException {
        Path file = dir.resolve("keys");
        I2pKeys.generate().write(file);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> I2pKeys.generate().write(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void loadOrCreateMakesKeysOnceAndThenKeepsThem() throws IOException {
        Path file = dir.resolve("keys");

        I2pKeys first = I2pKeys.loadOrCreate(file);
        I2pKeys second = I2pKeys.loadOrCreate(file);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void aFileThatHoldsNoKeysIsAClearError() throws IOException {
        Path file = Files.write(dir.resolve("not-keys"), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> I2pKeys.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not an I2P private key file");
    }

    @Test
    void keysWithMoreAfterThemAreNotAKeyFile() throws IOException {
        byte[] keys = keyFileBytes(I2pKeys.generate());
        Path file = Files.write(dir.resolve("trailing"), Arrays.copyOf(keys, keys.length + 1));

        assertThatThrownBy(() -> I2pKeys.load(file)).isInstanceOf(IOException.class)
                .hasMessage("'" + file + "' is not an I2P private key file: the keys end after " + keys.length + " bytes, and 1 more follow");
    }

    @Test
    void keysOfASignatureTypeI2pDoesNotKnowAreNotAKeyFile() throws IOException {
        byte[] keys = keyFileBytes(I2pKeys.generate());
        // The key certificate after the 384 bytes of public keys: type 5, length 4, signature type, encryption type.
        assertThat(Arrays.copyOfRange(keys, 384, 389)).containsExactly(5, 0, 4, 0, 7);
        keys[388] = (byte) 145;
        Path file = Files.write(dir.resolve("unknown-type"), keys);

        assertThatThrownBy(() -> I2pKeys.load(file)).isInstanceOf(IOException.class)
                .hasMessage("'" + file + "' is not an I2P private key file: its destination's signature type, 145, is not one"
                        + " I2P 2.7.0 can use");
    }

    @Test
    void keysWithACertificateTypeI2pDoesNotDefineAreNotAKeyFile() throws IOException {
        byte[] keys = keyFileBytes(I2pKeys.generate());
        keys[384] = 77;
        Path file = Files.write(dir.resolve("unknown-certificate"), keys);

        assertThatThrownBy(() -> I2pKeys.load(file)).isInstanceOf(IOException.class)
                .hasMessage("'" + file + "' is not an I2P private key file: its destination's certificate type, 77, is not one I2P defines");
    }

    @Test
    void aLargeFileOfRandomBytesIsNotAKeyFile() throws IOException {
        byte[] noise = new byte[4 << 20];
        new Random(42).nextBytes(noise);
        Path file = Files.write(dir.resolve("big.bin"), noise);

        assertThatThrownBy(() -> I2pKeys.load(file)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("'" + file + "' is not an I2P private key file: ");
    }

    @Test
    void keysCutShortAreNotAKeyFile() throws IOException {
        byte[] keys = keyFileBytes(I2pKeys.generate());
        Path file = Files.write(dir.resolve("short"), Arrays.copyOf(keys, keys.length - 1));

        assertThatThrownBy(() -> I2pKeys.load(file)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("'" + file + "' is not an I2P private key file: ");
    }

    private Path written(I2pKeys keys) throws IOException {
        Path file = dir.resolve("keys-" + keys.base32());
        keys.write(file);
        return file;
    }

    private byte[] keyFileBytes(I2pKeys keys) throws IOException {
        return Files.readAllBytes(written(keys));
    }

    @Test
    void aClassicDestinationIsTheOriginals387BytesAnd516Base64Characters() {
        I2pKeys keys = I2pKeys.generate(SigType.DSA_SHA1);

        assertThat(keys.destinationBytes()).hasSize(387);
        assertThat(keys.destination().uri()).startsWith("i2p:").hasSize(4 + 516);
        assertThat(keys.base32()).endsWith(".b32.i2p").hasSize(52 + 8);
        assertThat(keys.toString()).contains(keys.base32()).doesNotContain(keys.destination().uri().substring(4));
    }

    @Test
    void destinationUrisConvertBothWaysAndBadOnesAreClearErrors() {
        I2pKeys keys = I2pKeys.generate();

        assertThat(I2pDestinations.toUri(I2pDestinations.fromUri(keys.destination()))).isEqualTo(keys.destination());
        assertThat(I2pDestinations.base32(keys.destination())).isEqualTo(keys.base32());
        assertThatThrownBy(() -> I2pDestinations.fromUri(Destination.of("tcp://host:1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an I2P destination");
        assertThatThrownBy(() -> I2pDestinations.fromUri(Destination.of("i2p:" + keys.base32()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is an I2P name, which only points at a destination; resolve it first");
        assertThatThrownBy(() -> I2pDestinations.fromUri(Destination.of("i2p:AAAA"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an I2P destination: 'i2p:AAAA' (its Base64 gives 3 bytes, and a destination has at least 387);"
                        + " expected i2p:<Base64 destination>");
        assertThatThrownBy(() -> I2pDestinations.fromUri(Destination.of("i2p:not*base64"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an I2P destination: 'i2p:not*base64' (not I2P's Base64,");
    }
}
