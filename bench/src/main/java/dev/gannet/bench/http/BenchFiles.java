package dev.gannet.bench.http;

import dev.gannet.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Random;

/**
 * What the servers and wrk read from disk, made fresh by every bench run: the static directory with its 16 KB
 * file, one self-signed certificate shared by every TLS server, and wrk's Lua script.
 */
record BenchFiles(Path staticDir, byte[] staticBytes, Path cert, Path key, X509Certificate certificate,
                  Path script) {

    static final String STATIC_NAME = "16k.bin";
    static final int STATIC_SIZE = 16 * 1024;
    private static final String SCRIPT_RESOURCE = "wrk-report.lua";

    static BenchFiles create(Path dir) throws IOException {
        Path staticDir = dir.resolve("static");
        Files.createDirectories(staticDir);
        // Random bytes, not a pattern, so that nothing on the way (a compressing proxy, a clever cache) can shrink
        // them; a fixed seed keeps them the same from run to run.
        byte[] bytes = new byte[STATIC_SIZE];
        new Random(16_384).nextBytes(bytes);
        Files.write(staticDir.resolve(STATIC_NAME), bytes);

        // PEM, which every contender reads: Gannet natively, Netty's SslContextBuilder and Vert.x's
        // PemKeyCertOptions too. Its names include 127.0.0.1, the address every client here uses.
        SelfSignedCertificate tls = SelfSignedCertificate.generate("localhost");
        Path cert = dir.resolve("tls-cert.pem");
        Path key = dir.resolve("tls-key.pem");
        tls.writePem(cert, key);

        // wrk takes a file path, and the script lives in the jar.
        Path script = dir.resolve(SCRIPT_RESOURCE);
        try (InputStream in = BenchFiles.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SCRIPT_RESOURCE + " is missing from the bench jar");
            }
            Files.write(script, in.readAllBytes());
        }
        return new BenchFiles(staticDir, bytes, cert, key, tls.certificate(), script);
    }
}
