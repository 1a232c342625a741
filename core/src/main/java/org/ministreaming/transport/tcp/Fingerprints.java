package org.ministreaming.transport.tcp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 fingerprints of certificates: written {@code AB:CD:...} (32 pairs of upper-case hex
 * digits), read in any case, with or without colons.
 *
 * <p>Stateless; thread-safe.
 */
final class Fingerprints {

    private static final int SHA256_HEX_DIGITS = 64;

    private Fingerprints() {
    }

    /** The SHA-256 fingerprint of the certificate's DER encoding, as {@code AB:CD:...}. */
    static String of(X509Certificate certificate) throws CertificateEncodingException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * A fingerprint in one canonical form, for comparing: lower-case hex without colons.
     *
     * @throws IllegalArgumentException unless it is 64 hex digits, optionally with colons
     */
    static String canonical(String fingerprint) {
        String digits = fingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
        if (digits.length() != SHA256_HEX_DIGITS || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint (64 hex digits, colons allowed): '" + fingerprint + "'");
        }
        return digits;
    }
}
