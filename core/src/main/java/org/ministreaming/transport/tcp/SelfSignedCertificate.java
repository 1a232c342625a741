package org.ministreaming.transport.tcp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Makes a fresh EC P-256 key and a self-signed X.509 v3 certificate for it, with the JDK's
 * public APIs only. The JDK offers no supported way to issue a certificate, so this writes the
 * DER itself: version 3, a random positive serial, issuer and subject {@code CN=<name>},
 * valid from an hour ago until 9999-12-31 (RFC 5280's "no expiry"), no extensions, signed
 * with ECDSA over SHA-256. Clients pin the certificate by its fingerprint, so nothing else is
 * needed.
 *
 * <p>Stateless; thread-safe.
 */
final class SelfSignedCertificate {

    /** A private key and the certificate of its public key. */
    record KeyAndCertificate(PrivateKey key, X509Certificate certificate) {
    }

    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OBJECT_IDENTIFIER = 0x06;
    private static final int UTF8_STRING = 0x0C;
    private static final int UTC_TIME = 0x17;
    private static final int GENERALIZED_TIME = 0x18;
    private static final int EXPLICIT_0 = 0xA0;

    /** 1.2.840.10045.4.3.2, ecdsa-with-SHA256. */
    private static final byte[] ECDSA_WITH_SHA256 = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
    /** 2.5.4.3, commonName. */
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    private SelfSignedCertificate() {
    }

    /**
     * A new key pair and its self-signed certificate.
     *
     * @param commonName the subject's and issuer's common name
     * @throws GeneralSecurityException if the JDK lacks EC P-256 or ECDSA
     */
    static KeyAndCertificate generate(String commonName) throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair pair = generator.generateKeyPair();

        byte[] algorithm = der(SEQUENCE, der(OBJECT_IDENTIFIER, ECDSA_WITH_SHA256));
        byte[] name = der(SEQUENCE, der(SET, der(SEQUENCE,
                der(OBJECT_IDENTIFIER, COMMON_NAME), der(UTF8_STRING, commonName.getBytes(StandardCharsets.UTF_8)))));
        Instant notBefore = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        byte[] toBeSigned = der(SEQUENCE,
                der(EXPLICIT_0, der(INTEGER, new byte[] {2})),
                der(INTEGER, new BigInteger(127, random).add(BigInteger.ONE).toByteArray()),
                algorithm,
                name,
                der(SEQUENCE, time(notBefore), time(NO_EXPIRY)),
                name,
                pair.getPublic().getEncoded());

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate(), random);
        signer.update(toBeSigned);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bits, 1, signature.length);

        byte[] encoded = der(SEQUENCE, toBeSigned, algorithm, der(BIT_STRING, bits));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(encoded));
        return new KeyAndCertificate(pair.getPrivate(), certificate);
    }

    /** UTCTime through 2049 and GeneralizedTime from 2050, as RFC 5280 asks. */
    private static byte[] time(Instant instant) {
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        boolean utcTime = utc.getYear() >= 1950 && utc.getYear() < 2050;
        String text = utc.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'"));
        return der(utcTime ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** One DER element: the tag, the definite length, then the contents in order. */
    static byte[] der(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] part : contents) {
            length += part.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int lengthBytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | lengthBytes);
            for (int shift = 8 * (lengthBytes - 1); shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        for (byte[] part : contents) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
