package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * TLS 1.3 for the links of a {@code tls://} transport: engines for {@link TlsChannel}, whose
 * server side presents one key and whose client side trusts only pinned certificates
 * ({@link PinnedTrustManager}).
 *
 * <p>Immutable and thread-safe.
 */
final class Tls {

    private static final String PROTOCOL = "TLSv1.3";
    private static final String GENERATED_NAME = "ministreaming";

    private final SSLContext context;
    private final String fingerprint;

    private Tls(SSLContext context, String fingerprint) {
        this.context = context;
        this.fingerprint = fingerprint;
    }

    /**
     * Sets TLS up.
     *
     * @param listening whether this endpoint listens and so needs a key
     * @param keyStore a PKCS12 file holding exactly one private key with its certificate, or
     *     {@code null} to generate a self-signed key when listening
     * @param password the key store's password, which must also be the key's
     * @param pins trusted server fingerprints, in {@link Fingerprints#canonical} form
     * @throws IOException if the key store cannot be read or holds not exactly one key
     */
    static Tls create(boolean listening, Path keyStore, char[] password, Set<String> pins) throws IOException {
        try {
            KeyManager[] keyManagers = null;
            String fingerprint = null;
            if (listening) {
                KeyStore store = keyStore != null ? load(keyStore, password) : generated(password);
                X509Certificate certificate = onlyKeyCertificate(store, keyStore);
                fingerprint = Fingerprints.of(certificate);
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, password);
                keyManagers = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keyManagers, new TrustManager[] {new PinnedTrustManager(pins)}, null);
            return new Tls(context, fingerprint);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS" + (keyStore != null ? " with " + keyStore : "") + ": " + Reasons.of(e), e);
        }
    }

    /** The SHA-256 fingerprint of the certificate this endpoint presents, or {@code null} if it does not listen. */
    String fingerprint() {
        return fingerprint;
    }

    /** The client side of a link dialled to {@code host}; the handshake begins with its first wrap. */
    SSLEngine client(String host, int port) throws SSLException {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        return tls13(engine);
    }

    /** The server side of an accepted link; it waits for the client's hello. */
    SSLEngine server() throws SSLException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return tls13(engine);
    }

    private static SSLEngine tls13(SSLEngine engine) throws SSLException {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        engine.setSSLParameters(parameters);
        engine.beginHandshake();
        return engine;
    }

    private static KeyStore load(Path path, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot use the key store " + path + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot use the key store " + path + ": it is not a PKCS12 key store that this password opens ("
                    + Reasons.of(e) + ")", e);
        }
        return store;
    }

    /** An in-memory store, never written anywhere, holding a fresh self-signed key. */
    private static KeyStore generated(char[] password) throws IOException, GeneralSecurityException {
        SelfSignedCertificate.KeyAndCertificate generated = SelfSignedCertificate.generate(GENERATED_NAME);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(GENERATED_NAME, generated.key(), password, new Certificate[] {generated.certificate()});
        return store;
    }

    private static X509Certificate onlyKeyCertificate(KeyStore store, Path path) throws GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                keys.add(alias);
            }
        }
        if (keys.size() != 1) {
            throw new GeneralSecurityException(path + " holds " + keys.size() + " private keys " + keys + "; it must hold exactly one");
        }
        Certificate certificate = store.getCertificate(keys.get(0));
        if (!(certificate instanceof X509Certificate x509)) {
            throw new GeneralSecurityException("the key '" + keys.get(0) + "' in " + path + " has no X.509 certificate");
        }
        return x509;
    }
}
