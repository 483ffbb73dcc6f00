package dev.gannet.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads PEM certificates and private keys, and turns them into key and trust managers, with the JDK alone.
 *
 * <p>Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519, Ed448, RSASSA-PSS), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}); the last two are what older
 * OpenSSL commands write, and are re-wrapped as PKCS#8 because that is the only form the JDK's KeyFactory
 * reads. Encrypted keys are refused with a hint on how to decrypt them.
 *
 * <p>Every problem is reported as an {@link IllegalArgumentException} naming the file and what was wrong,
 * since these files are usually handed in from a command line or a config file by a person.
 */
public final class PemReader {

    // A PEM block: label, body, and the matching END line. DOTALL so the body may span lines.
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

    // In-memory only; the PKCS12 store wants some password to protect the entry with.
    private static final char[] STORE_PASSWORD = "gannet".toCharArray();

    private PemReader() {
    }

    /** One decoded PEM block. */
    record Block(String label, byte[] der) {
    }

    /** The certificates in {@code pem}, in file order (leaf first for a chain). */
    public static List<X509Certificate> readCertificates(Path pem) {
        return parseCertificates(read(pem, "certificates"), pem.toString());
    }

    /** The certificates in PEM text; {@code source} names it in error messages. */
    public static List<X509Certificate> parseCertificates(String pem, String source) {
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory factory = certificateFactory();
        for (Block block : blocks(pem, source)) {
            if (!block.label().equals("CERTIFICATE") && !block.label().equals("X509 CERTIFICATE")) continue;
            try {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(
                        source + ": certificate #" + (certs.size() + 1) + " is not a valid X.509 certificate: "
                                + e.getMessage(), e);
            }
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(source + ": no \"-----BEGIN CERTIFICATE-----\" block found");
        }
        return List.copyOf(certs);
    }

    /** The first private key in {@code pem}. */
    public static PrivateKey readPrivateKey(Path pem) {
        return parsePrivateKey(read(pem, "a private key"), pem.toString());
    }

    /** The first private key in PEM text; {@code source} names it in error messages. */
    public static PrivateKey parsePrivateKey(String pem, String source) {
        List<Block> blocks = blocks(pem, source);
        for (Block block : blocks) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der(), source);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(rsaToPkcs8(block.der(), source), source);
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(ecToPkcs8(block.der(), source), source);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(source
                        + ": the private key is encrypted, which is not supported; write an unencrypted copy with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in <key> -out <plain-key>' and keep it readable by this"
                        + " process only");
                default -> {
                    // Certificates and EC PARAMETERS blocks may sit next to the key; skip them.
                }
            }
        }
        List<String> labels = blocks.stream().map(Block::label).toList();
        throw new IllegalArgumentException(source + ": no private key found (expected a \"BEGIN PRIVATE KEY\", "
                + "\"BEGIN RSA PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\" block; found "
                + (labels.isEmpty() ? "no PEM blocks" : labels) + ")");
    }

    /** Key managers presenting the chain in {@code certChainPem} with the key in {@code privateKeyPem}. */
    public static KeyManager[] keyManagers(Path certChainPem, Path privateKeyPem) {
        List<X509Certificate> chain = readCertificates(certChainPem);
        PrivateKey key = readPrivateKey(privateKeyPem);
        if (!matches(chain.getFirst(), key)) {
            throw new IllegalArgumentException(privateKeyPem + ": the private key does not belong to the first "
                    + "certificate in " + certChainPem + " (the leaf certificate must come first)");
        }
        return keyManagers(chain, key);
    }

    /** Key managers presenting {@code chain} (leaf first) with {@code key}, through an in-memory PKCS12 store. */
    public static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) throw new IllegalArgumentException("the certificate chain is empty");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("gannet", key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, STORE_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a key manager from the " + key.getAlgorithm()
                    + " key and certificate chain: " + e.getMessage(), e);
        }
    }

    /** Trust managers that accept peers whose chain ends at one of the certificates in {@code trustedCertsPem}. */
    public static TrustManager[] trustManagers(Path trustedCertsPem) {
        return trustManagers(readCertificates(trustedCertsPem));
    }

    /** Trust managers that accept peers whose chain ends at one of {@code trusted}. */
    public static TrustManager[] trustManagers(Collection<X509Certificate> trusted) {
        if (trusted.isEmpty()) throw new IllegalArgumentException("no trusted certificates given");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate cert : trusted) store.setCertificateEntry("trusted-" + i++, cert);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a trust manager: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code key} is the private half of the certificate's public key, checked by signing a
     * challenge and verifying it: a mismatched pair otherwise only shows up as every client failing the
     * handshake with an unhelpful error. Key types this cannot check pass.
     */
    static boolean matches(X509Certificate certificate, PrivateKey key) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) return true;
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())
                && !(isEdDsa(publicKey.getAlgorithm()) && isEdDsa(key.getAlgorithm()))) {
            return false;
        }
        try {
            byte[] challenge = "gannet key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean isEdDsa(String algorithm) {
        return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
    }

    /** The PEM blocks in {@code text}, decoded. */
    static List<Block> blocks(String text, String source) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            String body = m.group(2);
            // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...") mark an OpenSSL-encrypted key; the
            // lenient MIME decoder would otherwise skip the header text and hand back ciphertext as a key.
            if (body.indexOf(':') >= 0) {
                throw new IllegalArgumentException(source + ": the \"" + label + "\" block has PEM headers "
                        + "(an encrypted key?), which are not supported; write an unencrypted PKCS#8 copy with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in <key> -out <plain-key>'");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": the \"" + label + "\" block is not valid base64: "
                        + e.getMessage(), e);
            }
            if (der.length == 0) throw new IllegalArgumentException(source + ": the \"" + label + "\" block is empty");
            blocks.add(new Block(label, der));
        }
        return blocks;
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " from " + file + ": " + e, e);
        }
    }

    private static CertificateFactory certificateFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
    }

    // Tried in order: the JDK's KeyFactory refuses keys of another algorithm, so the first that accepts wins.
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    private static PrivateKey pkcs8(byte[] der, String source) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not this algorithm (or not available here); try the next.
            }
        }
        throw new IllegalArgumentException(source + ": the private key is not a PKCS#8 key of a supported type "
                + "(tried " + String.join(", ", KEY_ALGORITHMS) + ")");
    }

    /**
     * PKCS#1 RSAPrivateKey into PKCS#8 PrivateKeyInfo: {@code SEQUENCE { 0, {rsaEncryption, NULL},
     * OCTET STRING(pkcs1) }} (RFC 5208, RFC 8017 A.1).
     */
    static byte[] rsaToPkcs8(byte[] pkcs1, String source) {
        try {
            // Check it is a SEQUENCE starting with a version INTEGER before wrapping it.
            Der.Reader fields = new Der.Reader(pkcs1).next(Der.SEQUENCE).children();
            fields.next(Der.INTEGER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the \"RSA PRIVATE KEY\" block is not a PKCS#1 key: "
                    + e.getMessage(), e);
        }
        return Der.sequence(
                Der.integer(0),
                Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nul()),
                Der.octetString(pkcs1));
    }

    /**
     * SEC1 ECPrivateKey ({@code SEQUENCE { 1, OCTET STRING key, [0] curve OID, [1] public key }}, RFC 5915)
     * into PKCS#8, which names the curve in the algorithm identifier instead. The SEC1 structure itself
     * becomes the PKCS#8 payload unchanged; the JDK ignores the duplicated curve inside it.
     */
    static byte[] ecToPkcs8(byte[] sec1, String source) {
        byte[] curve = null;
        try {
            Der.Reader fields = new Der.Reader(sec1).next(Der.SEQUENCE).children();
            if (!fields.next().integer().equals(BigInteger.ONE)) {
                throw new IllegalArgumentException("unsupported version");
            }
            fields.next(Der.OCTET_STRING);
            while (fields.hasMore()) {
                Der.Element e = fields.next();
                if (e.tag() == 0xa0) curve = e.children().next(Der.OID).encoded();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the \"EC PRIVATE KEY\" block is not a SEC1 key: "
                    + e.getMessage(), e);
        }
        if (curve == null) {
            throw new IllegalArgumentException(source + ": the \"EC PRIVATE KEY\" block does not name its curve; "
                    + "convert it with 'openssl pkcs8 -topk8 -nocrypt -in <key> -out <pkcs8-key>'");
        }
        return Der.sequence(
                Der.integer(0),
                Der.sequence(Der.oid(EC_PUBLIC_KEY), curve),
                Der.octetString(sec1));
    }
}
