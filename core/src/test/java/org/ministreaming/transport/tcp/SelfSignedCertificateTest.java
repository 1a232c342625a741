package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written certificate, its DER, and fingerprints. */
class SelfSignedCertificateTest {

    @Test
    void theCertificateIsAValidSelfSignedX509v3ForAnEcP256Key() throws Exception {
        SelfSignedCertificate.KeyAndCertificate issued = SelfSignedCertificate.generate("ministreaming");
        X509Certificate certificate = issued.certificate();

        assertThat(certificate.getVersion()).isEqualTo(3);
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=ministreaming");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        assertThat(certificate.getSerialNumber().signum()).isPositive();
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(certificate.getPublicKey().toString()).contains("secp256r1");
        certificate.verify(certificate.getPublicKey());
        certificate.checkValidity();
        certificate.checkValidity(Date.from(Instant.parse("9999-12-31T23:59:58Z")));
        assertThat(certificate.getNotBefore()).isBefore(Date.from(Instant.now()));

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issued.key());
        signer.update(new byte[] {1, 2, 3});
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signer.sign())).as("the private key belongs to the certificate").isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 127, 128, 255, 256, 300, 70000})
    void longNamesNeedLongFormLengthsAndStillParse(int length) throws Exception {
        String name = "n".repeat(length);
        X509Certificate certificate = SelfSignedCertificate.generate(name).certificate();
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
        certificate.verify(certificate.getPublicKey());
    }

    @Test
    void derLengthsUseTheShortFormBelow128AndTheFewestBytesAbove() {
        assertThat(SelfSignedCertificate.der(0x04, new byte[127])).startsWith(0x04, 0x7F);
        assertThat(SelfSignedCertificate.der(0x04, new byte[128])).startsWith(0x04, 0x81, 0x80);
        assertThat(SelfSignedCertificate.der(0x04, new byte[255])).startsWith(0x04, 0x81, 0xFF);
        assertThat(SelfSignedCertificate.der(0x04, new byte[256])).startsWith(0x04, 0x82, 0x01, 0x00);
        assertThat(SelfSignedCertificate.der(0x04, new byte[65536])).startsWith(0x04, 0x83, 0x01, 0x00, 0x00);
        assertThat(SelfSignedCertificate.der(0x30, new byte[] {1}, new byte[] {2, 3})).containsExactly(0x30, 3, 1, 2, 3);
    }

    @Test
    void twoCertificatesNeverShareAKeyOrASerial() throws Exception {
        X509Certificate one = SelfSignedCertificate.generate("x").certificate();
        X509Certificate two = SelfSignedCertificate.generate("x").certificate();
        assertThat(one.getPublicKey()).isNotEqualTo(two.getPublicKey());
        assertThat(one.getSerialNumber()).isNotEqualTo(two.getSerialNumber());
    }

    @Test
    void aFingerprintIsTheSha256OfTheDerInUpperCaseHexPairs() throws Exception {
        X509Certificate certificate = SelfSignedCertificate.generate("x").certificate();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        String expected = HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);

        assertThat(Fingerprints.of(certificate)).isEqualTo(expected);
        String canonical = HexFormat.of().formatHex(digest);
        assertThat(Set.of(expected, expected.toLowerCase(), canonical, canonical.toUpperCase(), " " + expected + "\n"))
                .allSatisfy(form -> assertThat(Fingerprints.canonical(form)).isEqualTo(canonical));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "AB", "AB:CD", "zz00000000000000000000000000000000000000000000000000000000000000",
        "00000000000000000000000000000000000000000000000000000000000000000"})
    void somethingElseIsNotAFingerprint(String text) {
        assertThatThrownBy(() -> Fingerprints.canonical(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
