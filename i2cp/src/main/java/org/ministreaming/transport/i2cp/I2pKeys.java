package org.ministreaming.transport.i2cp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import net.i2p.CoreVersion;
import net.i2p.I2PException;
import net.i2p.client.I2PClientFactory;
import net.i2p.client.I2PSessionException;
import net.i2p.crypto.SigType;
import net.i2p.data.Certificate;
import net.i2p.data.DataFormatException;
import net.i2p.data.KeyCertificate;
import net.i2p.data.PrivateKeyFile;
import net.i2p.data.SigningPrivateKey;
import org.ministreaming.transport.Destination;

/**
 * An I2P identity: a destination and its private keys, in I2P's usual private key file format
 * (the destination, then the encryption and signing private keys, as {@code I2PClient}
 * writes them and I2PTunnel reads them). Immutable and thread-safe.
 */
public final class I2pKeys {

    /** The signature type of new keys: Ed25519, I2P's default for new destinations. */
    public static final SigType DEFAULT_SIGNATURE = SigType.EdDSA_SHA512_Ed25519;

    static {
        // I2P's classes here make a global context on first use: let it be ours (see I2pContext).
        I2pContext.get();
    }

    private final byte[] keyFile;
    private final net.i2p.data.Destination destination;

    private I2pKeys(byte[] keyFile) throws IOException {
        this.keyFile = keyFile;
        this.destination = I2pDestinations.read(keyFile, 0);
    }

    /** New keys with {@link #DEFAULT_SIGNATURE}. */
    public static I2pKeys generate() {
        return generate(DEFAULT_SIGNATURE);
    }

    /**
     * New keys.
     *
     * @param signature the signature type; {@link SigType#DSA_SHA1} gives the original's classic
     *     387-byte destination
     * @return the keys
     */
    public static I2pKeys generate(SigType signature) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            I2PClientFactory.createClient().createDestination(out, signature);
            return new I2pKeys(out.toByteArray());
        } catch (I2PException | IOException e) {
            throw new IllegalStateException("I2P's client library could not make keys of type " + signature, e);
        }
    }

    /**
     * Reads a private key file.
     *
     * @param file a file in I2P's private key format
     * @return the keys
     * @throws IOException if the file cannot be read, or is not a whole private key file of types
     *     I2P's client library knows with nothing after it
     */
    public static I2pKeys load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            I2pKeys keys = new I2pKeys(bytes);
            check(keys.destination, bytes);
            return keys;
        } catch (IOException e) {
            throw new IOException("'" + file + "' is not an I2P private key file: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code keyFile}, whose destination is {@code destination}, is what I2P's client
     * library can open a session with (signature and encryption types it knows, keys of their
     * lengths: it reads the file as the library does) and that nothing follows the keys, so that
     * a file that is not one is refused before any session is opened.
     */
    private static void check(net.i2p.data.Destination destination, byte[] keyFile) throws IOException {
        Certificate certificate = destination.getCertificate();
        if (certificate.getCertificateType() > Certificate.CERTIFICATE_TYPE_KEY) {
            throw new IOException("its destination's certificate type, " + certificate.getCertificateType()
                    + ", is not one I2P defines");
        }
        if (certificate.getCertificateType() == Certificate.CERTIFICATE_TYPE_KEY) {
            KeyCertificate types;
            try {
                types = certificate.toKeyCertificate();
            } catch (DataFormatException e) {
                throw new IOException("its destination's key certificate is malformed: " + e.getMessage(), e);
            }
            if (types.getSigType() == null || !types.getSigType().isAvailable()) {
                throw new IOException("its destination's signature type, " + types.getSigTypeCode() + ", is not one I2P "
                        + CoreVersion.VERSION + " can use");
            }
            if (types.getEncType() == null || !types.getEncType().isAvailable()) {
                throw new IOException("its destination's encryption type, " + types.getCryptoTypeCode() + ", is not one I2P "
                        + CoreVersion.VERSION + " can use");
            }
        }
        ByteArrayInputStream in = new ByteArrayInputStream(keyFile);
        try {
            new PrivateKeyFile(in);
        } catch (I2PSessionException | RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (in.available() > 0) {
            throw new IOException("the keys end after " + (keyFile.length - in.available()) + " bytes, and "
                    + in.available() + " more follow");
        }
    }

    /**
     * Reads a private key file, or makes new keys and writes them there if there is none.
     *
     * @param file where the keys are kept
     * @return the keys
     * @throws IOException if the file cannot be read or written
     */
    public static I2pKeys loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        I2pKeys keys = generate();
        keys.write(file);
        return keys;
    }

    /**
     * Writes the keys to a new file, readable only by its owner where the file system allows.
     *
     * @param file a file that does not exist yet
     * @throws FileAlreadyExistsException if it exists: keys are never overwritten
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Files.write(file, keyFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows and friends: the file keeps its default access rights.
        }
    }

    /** The destination, as a URI. */
    public Destination destination() {
        return I2pDestinations.toUri(destination);
    }

    /** The destination's {@code .b32.i2p} name. */
    public String base32() {
        return destination.toBase32();
    }

    /** The signature type. */
    public SigType signatureType() {
        return destination.getSigningPublicKey().getType();
    }

    /** The destination in I2P's byte form, as a SYN carries it. */
    byte[] destinationBytes() {
        return destination.toByteArray();
    }

    net.i2p.data.Destination i2pDestination() {
        return destination;
    }

    /**
     * The destination's signing private key, which signs the handshake's hellos.
     *
     * @throws IllegalStateException if the key file holds an offline signature: its transient key
     *     cannot sign for the destination
     */
    SigningPrivateKey signingKey() {
        try {
            PrivateKeyFile file = new PrivateKeyFile(keyStream());
            file.getDestination();
            if (file.isOffline()) {
                throw new IllegalStateException("keys with an offline signature cannot sign the handshake: " + this);
            }
            return file.getSigningPrivKey();
        } catch (I2PSessionException | IOException | DataFormatException e) {
            throw new IllegalStateException("the key file of " + this + " holds no signing key: " + e.getMessage(), e);
        }
    }

    /** The key file's bytes, as I2P's client library reads them to open a session. */
    InputStream keyStream() {
        return new ByteArrayInputStream(keyFile);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof I2pKeys that && Arrays.equals(keyFile, that.keyFile);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keyFile);
    }

    /** The destination's {@code .b32.i2p} name; never the private keys. */
    @Override
    public String toString() {
        return "I2pKeys[" + base32() + "]";
    }
}
