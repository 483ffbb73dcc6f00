package dev.gannet.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;

/**
 * A development certificate: an EC P-256 key and a self-signed X.509 v3 certificate for the given host
 * names, made with the JDK alone (the JDK has no public API to create certificates, so the DER is written
 * by hand with {@link Der}).
 *
 * <p>The certificate is a leaf, not a CA (basicConstraints CA:false, keyUsage digitalSignature,
 * extendedKeyUsage serverAuth), valid from a day ago (to absorb clock skew) for a year. Its subject
 * alternative names hold every host name; {@code localhost} also brings 127.0.0.1 and ::1, so clients that
 * verify host names accept it however they reach the local machine. Clients trust it by trusting the
 * certificate itself ({@link TlsConfig.Builder#trustCertificates}), or with a trust-all client in tests.
 */
public final class SelfSignedCertificate {

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXT_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration VALIDITY = Duration.ofDays(365);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final List<String> hostnames;

    private SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey, List<String> hostnames) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.hostnames = hostnames;
    }

    /**
     * Generates a key pair and certificate for {@code hostnames} (DNS names or IP literals; {@code localhost}
     * when none are given). The first one is also the subject's common name.
     */
    public static SelfSignedCertificate generate(String... hostnames) {
        List<String> hosts = hostnames.length == 0 ? List.of("localhost") : List.of(hostnames);
        for (String host : hosts) {
            if (host.isBlank()) throw new IllegalArgumentException("a host name must not be blank");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            byte[] der = sign(tbsCertificate(keys, hosts, now), keys.getPrivate());
            // Parse our own encoding back: the JDK's parser is the judge of whether the DER is right.
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            cert.verify(keys.getPublic());
            cert.checkValidity();
            return new SelfSignedCertificate(cert, keys.getPrivate(), hosts);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public List<String> hostnames() {
        return hostnames;
    }

    /** Key managers presenting this certificate, for {@link TlsConfig.Builder#keyManagers}. */
    public KeyManager[] keyManagers() {
        return PemReader.keyManagers(List.of(certificate), privateKey);
    }

    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /**
     * Writes the certificate and the private key as PEM. The key file is made readable by its owner only
     * where the file system has POSIX permissions, since it is unencrypted.
     */
    public void writePem(Path certificateFile, Path privateKeyFile) throws IOException {
        Files.writeString(certificateFile, certificatePem(), StandardCharsets.US_ASCII);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && privateKeyFile.getFileSystem() == FileSystems.getDefault()) {
            Files.deleteIfExists(privateKeyFile);
            Files.createFile(privateKeyFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(privateKeyFile, privateKeyPem(), StandardCharsets.US_ASCII);
    }

    static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** RFC 5280 4.1: the to-be-signed part of the certificate. */
    private static byte[] tbsCertificate(KeyPair keys, List<String> hosts, Instant now) {
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(hosts.getFirst()))));
        return Der.sequence(
                Der.explicit(0, Der.integer(2)), // version v3 (counted from 0)
                Der.integer(serialNumber()),
                signatureAlgorithm(),
                name, // issuer: self-signed, so the same as the subject
                Der.sequence(Der.time(now.minus(BACKDATE)), Der.time(now.plus(VALIDITY))),
                name,
                keys.getPublic().getEncoded(), // already a DER SubjectPublicKeyInfo
                Der.explicit(3, Der.sequence(
                        extension(BASIC_CONSTRAINTS, true, Der.sequence()), // empty: cA defaults to false
                        // digitalSignature is bit 0: one byte 0x80 with 7 unused bits.
                        extension(KEY_USAGE, true, Der.tlv(Der.BIT_STRING, new byte[] {7, (byte) 0x80})),
                        extension(EXT_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
                        extension(SUBJECT_ALT_NAME, false, subjectAltNames(hosts)))));
    }

    /**
     * The certificate's subject alternative names: {@code dNSName [2] IA5String} for names and
     * {@code iPAddress [7] OCTET STRING} for IP literals (RFC 5280 4.2.1.6).
     */
    private static byte[] subjectAltNames(List<String> hosts) {
        Set<String> names = new LinkedHashSet<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (String host : hosts) {
            InetAddress address = ipLiteral(host);
            if (address != null) {
                addresses.add(address);
            } else {
                names.add(host);
                if (host.equalsIgnoreCase("localhost")) {
                    addresses.add(InetAddress.ofLiteral("127.0.0.1"));
                    addresses.add(InetAddress.ofLiteral("::1"));
                }
            }
        }
        List<byte[]> entries = new ArrayList<>();
        for (String name : names) {
            if (!StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
                throw new IllegalArgumentException("host name must be ASCII (use its punycode form): " + name);
            }
            entries.add(Der.implicit(2, name.getBytes(StandardCharsets.US_ASCII)));
        }
        for (InetAddress address : addresses) entries.add(Der.implicit(7, address.getAddress()));
        return Der.sequence(entries.toArray(new byte[0][]));
    }

    /** The address for an IPv4 or IPv6 literal, or null for a host name; never a DNS lookup. */
    static InetAddress ipLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!h.contains(":") && !h.matches("[0-9.]+")) return null;
        try {
            return InetAddress.ofLiteral(h);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value)); // DEFAULT FALSE must be omitted in DER
    }

    /** ecdsa-with-SHA256, whose parameters are absent (RFC 5758 3.2). */
    private static byte[] signatureAlgorithm() {
        return Der.sequence(Der.oid(ECDSA_WITH_SHA256));
    }

    /** A positive random serial of at most 20 octets, as RFC 5280 4.1.2.2 asks. */
    private static BigInteger serialNumber() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        bytes[0] &= 0x7f;
        bytes[0] |= 0x01; // never zero, never negative
        return new BigInteger(bytes);
    }

    private static byte[] sign(byte[] tbs, PrivateKey key) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(tbs);
        // The JDK's ECDSA signature is already the DER SEQUENCE { r, s } X.509 expects in the BIT STRING.
        return Der.sequence(tbs, signatureAlgorithm(), Der.bitString(signer.sign()));
    }
}
