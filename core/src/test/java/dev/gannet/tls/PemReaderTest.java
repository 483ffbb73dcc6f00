package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsWhatSelfSignedCertificateWrites() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate("localhost");
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        cert.writePem(certFile, keyFile);

        assertThat(PemReader.readCertificates(certFile)).containsExactly(cert.certificate());
        PrivateKey key = PemReader.readPrivateKey(keyFile);
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        assertThat(key.getEncoded()).isEqualTo(cert.privateKey().getEncoded());

        KeyManager[] managers = PemReader.keyManagers(certFile, keyFile);
        X509KeyManager km = (X509KeyManager) managers[0];
        String alias = km.chooseServerAlias("EC", null, null);
        assertThat(alias).isNotNull();
        assertThat(km.getCertificateChain(alias)).containsExactly(cert.certificate());
    }

    @Test
    void readsAChainInOrder() throws Exception {
        SelfSignedCertificate a = SelfSignedCertificate.generate("a.example");
        SelfSignedCertificate b = SelfSignedCertificate.generate("b.example");
        Path chain = Files.writeString(dir.resolve("chain.pem"),
                "leaf first\n" + a.certificatePem() + "\nthen the issuer\n" + b.certificatePem());

        List<X509Certificate> certs = PemReader.readCertificates(chain);
        assertThat(certs).containsExactly(a.certificate(), b.certificate());
        assertThat(PemReader.trustManagers(chain)).isNotEmpty();
    }

    @Test
    void readsPkcs1RsaKeys() throws Exception {
        KeyPair rsa = generate("RSA");
        // The PKCS#8 form wraps the PKCS#1 key in an OCTET STRING: unwrap it to get what OpenSSL writes.
        Der.Reader info = new Der.Reader(rsa.getPrivate().getEncoded()).next(Der.SEQUENCE).children();
        info.next(Der.INTEGER);
        info.next(Der.SEQUENCE);
        byte[] pkcs1 = info.next(Der.OCTET_STRING).content();
        Path file = Files.writeString(dir.resolve("rsa.pem"), SelfSignedCertificate.pem("RSA PRIVATE KEY", pkcs1));

        PrivateKey key = PemReader.readPrivateKey(file);
        assertThat(key.getAlgorithm()).isEqualTo("RSA");
        assertThat(key.getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
    }

    @Test
    void readsSec1EcKeys() throws Exception {
        KeyPair ec = generate("EC");
        // RFC 5915 ECPrivateKey with the curve named, as 'openssl ecparam -genkey' writes it.
        byte[] s = ((ECPrivateKey) ec.getPrivate()).getS().toByteArray();
        byte[] scalar = new byte[32];
        System.arraycopy(s, Math.max(0, s.length - 32), scalar, Math.max(0, 32 - s.length), Math.min(32, s.length));
        byte[] sec1 = Der.sequence(Der.integer(1), Der.octetString(scalar), Der.explicit(0, Der.oid("1.2.840.10045.3.1.7")));
        Path file = Files.writeString(dir.resolve("ec.pem"),
                "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                        + SelfSignedCertificate.pem("EC PRIVATE KEY", sec1));

        ECPrivateKey key = (ECPrivateKey) PemReader.readPrivateKey(file);
        assertThat(key.getS()).isEqualTo(((ECPrivateKey) ec.getPrivate()).getS());
        assertThat(key.getParams().getCurve()).isEqualTo(((ECPrivateKey) ec.getPrivate()).getParams().getCurve());

        byte[] noCurve = Der.sequence(Der.integer(1), Der.octetString(scalar));
        Path bad = Files.writeString(dir.resolve("ec-nocurve.pem"), SelfSignedCertificate.pem("EC PRIVATE KEY", noCurve));
        assertThatThrownBy(() -> PemReader.readPrivateKey(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("curve").hasMessageContaining("ec-nocurve.pem");
    }

    @Test
    void readsEd25519AndRsaPkcs8Keys() throws Exception {
        for (String algorithm : List.of("Ed25519", "RSA")) {
            KeyPair pair = generate(algorithm);
            Path file = Files.writeString(dir.resolve(algorithm + ".pem"),
                    SelfSignedCertificate.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            assertThat(PemReader.readPrivateKey(file).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        }
    }

    @Test
    void refusesEncryptedKeysWithAHint() throws Exception {
        Path pkcs8 = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemReader.readPrivateKey(pkcs8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enc.pem").hasMessageContaining("encrypted").hasMessageContaining("openssl");

        Path legacy = Files.writeString(dir.resolve("legacy.pem"), """
                -----BEGIN RSA PRIVATE KEY-----
                Proc-Type: 4,ENCRYPTED
                DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF

                MIIEpAIBAAKCAQEA
                -----END RSA PRIVATE KEY-----
                """);
        assertThatThrownBy(() -> PemReader.readPrivateKey(legacy))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("legacy.pem").hasMessageContaining("encrypted");
    }

    @Test
    void clearErrors() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> PemReader.readCertificates(missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem");

        Path keyOnly = Files.writeString(dir.resolve("key-only.pem"), SelfSignedCertificate.generate().privateKeyPem());
        assertThatThrownBy(() -> PemReader.readCertificates(keyOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key-only.pem")
                .hasMessageContaining("BEGIN CERTIFICATE");

        Path certOnly = Files.writeString(dir.resolve("cert-only.pem"), SelfSignedCertificate.generate().certificatePem());
        assertThatThrownBy(() -> PemReader.readPrivateKey(certOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cert-only.pem")
                .hasMessageContaining("[CERTIFICATE]");

        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> PemReader.readCertificates(garbage))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.pem")
                .hasMessageContaining("not a valid X.509");

        Path badKey = Files.writeString(dir.resolve("bad-key.pem"),
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemReader.readPrivateKey(badKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-key.pem");

        Path badBase64 = Files.writeString(dir.resolve("b64.pem"),
                "-----BEGIN CERTIFICATE-----\nAAA=AAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> PemReader.readCertificates(badBase64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b64.pem");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        SelfSignedCertificate a = SelfSignedCertificate.generate();
        SelfSignedCertificate b = SelfSignedCertificate.generate();
        Path certFile = Files.writeString(dir.resolve("a.pem"), a.certificatePem());
        Path keyFile = Files.writeString(dir.resolve("b-key.pem"), b.privateKeyPem());

        assertThatThrownBy(() -> PemReader.keyManagers(certFile, keyFile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong")
                .hasMessageContaining("b-key.pem").hasMessageContaining("a.pem");
        assertThat(PemReader.matches(a.certificate(), a.privateKey())).isTrue();
        assertThat(PemReader.matches(a.certificate(), generate("RSA").getPrivate())).isFalse();
    }

    @Test
    void readsACertificateExportedByKeytool() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeThat(Files.isExecutable(keytool)).as("keytool available").isTrue();
        Path store = dir.resolve("store.p12");
        Path pem = dir.resolve("rsa-cert.pem");
        run(keytool.toString(), "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "k",
                "-dname", "CN=keytool.example", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit");
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "k", "-keystore", store.toString(),
                "-storepass", "changeit", "-file", pem.toString());

        List<X509Certificate> certs = PemReader.readCertificates(pem);
        assertThat(certs).hasSize(1);
        assertThat(certs.getFirst().getSubjectX500Principal().getName()).isEqualTo("CN=keytool.example");
        assertThat(certs.getFirst().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static KeyPair generate(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) g.initialize(2048);
        if (algorithm.equals("EC")) g.initialize(256);
        return g.generateKeyPair();
    }
}
