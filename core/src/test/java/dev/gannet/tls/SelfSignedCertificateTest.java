package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @Test
    void aLeafCertificateForLocalhost() throws Exception {
        Instant before = Instant.now();
        SelfSignedCertificate ssc = SelfSignedCertificate.generate("localhost");
        X509Certificate cert = ssc.certificate();

        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ssc.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        assertThat(cert.getSerialNumber()).isPositive();
        assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(159);
        cert.verify(cert.getPublicKey());

        assertThat(cert.getNotBefore().toInstant())
                .isCloseTo(before.minus(Duration.ofDays(1)), within(5, ChronoUnit.SECONDS));
        assertThat(cert.getNotAfter().toInstant())
                .isCloseTo(before.plus(Duration.ofDays(365)), within(5, ChronoUnit.SECONDS));
        cert.checkValidity();

        assertThat(sans(cert)).containsExactlyInAnyOrder(
                List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");

        assertThat(PemReader.matches(cert, ssc.privateKey())).isTrue();
    }

    @Test
    void namesAndAddressesGoToTheirOwnKindOfAltName() throws Exception {
        SelfSignedCertificate ssc = SelfSignedCertificate.generate("api.example.test", "10.1.2.3", "[fe80::1]", "*.example.test");
        assertThat(ssc.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=api.example.test");
        assertThat(sans(ssc.certificate())).containsExactlyInAnyOrder(
                List.of(2, "api.example.test"), List.of(2, "*.example.test"),
                List.of(7, "10.1.2.3"), List.of(7, "fe80:0:0:0:0:0:0:1"));
        assertThat(ssc.hostnames()).hasSize(4);
    }

    @Test
    void defaultsToLocalhostAndRefusesBlankNames() {
        assertThat(SelfSignedCertificate.generate().hostnames()).containsExactly("localhost");
        assertThatThrownBy(() -> SelfSignedCertificate.generate(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelfSignedCertificate.generate("bücher.example"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("punycode");
    }

    @Test
    void eachCertificateIsNew() {
        BigInteger a = SelfSignedCertificate.generate().certificate().getSerialNumber();
        BigInteger b = SelfSignedCertificate.generate().certificate().getSerialNumber();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void writesPemWithAPrivateKeyFile(@TempDir Path dir) throws Exception {
        SelfSignedCertificate ssc = SelfSignedCertificate.generate("localhost");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ssc.writePem(cert, key);
        ssc.writePem(cert, key); // overwriting is fine

        assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----\n")
                .endsWith("-----END CERTIFICATE-----\n");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readAllLines(cert)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
    }

    private static List<List<Object>> sans(X509Certificate cert) throws Exception {
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        return names.stream().map(n -> List.<Object>of(n.get(0), n.get(1))).toList();
    }
}
