package org.ministreaming.transport.tcp;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server exactly when its certificate's SHA-256 fingerprint is one of the pinned ones.
 * Names, issuers and dates do not matter: the pin is the whole of the trust, as with an SSH host
 * key. Client certificates are never asked for, so none is trusted.
 *
 * <p>Immutable and thread-safe.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {

    private final Set<String> pins;

    /** @param pins fingerprints in {@link Fingerprints#canonical} form */
    PinnedTrustManager(Set<String> pins) {
        this.pins = Set.copyOf(pins);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("client certificates are not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("client certificates are not used");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        String fingerprint = Fingerprints.of(chain[0]);
        if (!pins.contains(Fingerprints.canonical(fingerprint))) {
            throw new CertificateException("the server's certificate " + fingerprint + " is not pinned"
                    + (pins.isEmpty() ? " (no fingerprint is pinned)" : ""));
        }
    }
}
