package dev.gannet.http;

import dev.gannet.testsupport.Descriptors;
import dev.gannet.testsupport.ExternalTool;
import dev.gannet.tls.TlsConfig;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP over TLS on every engine, against real clients (the JDK's SSLSocket, curl): ALPN, and static downloads that
 * the client abandons halfway, which must give their file back at once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class HttpsSuite {
    private static final TlsConfig TLS = TlsConfig.selfSigned("localhost");
    private static final int BIG = 8 * 1024 * 1024;

    @TempDir
    Path dir;
    Path big;
    Server server;

    abstract String engine();

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        big = root.resolve("big.bin");
        byte[] data = new byte[BIG];
        new java.util.Random(3).nextBytes(data);
        Files.write(big, data);
        server = HttpServer.create(HttpConfig.builder().server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine())
                        .threads(1).shutdownTimeout(Duration.ofSeconds(2)).tls(TLS).build()).build())
                .get("/plaintext", (req, res) -> res.contentType("text/plain").text("Hello, World!"))
                .get("/static/*", StaticFiles.of(root))
                .start();
    }

    @AfterEach
    void stop() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private SSLSocket connect(String... alpn) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(alpn);
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static String get(SSLSocket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void alpnSelectsHttp11WhenTheClientOffersIt() throws Exception {
        try (SSLSocket s = connect("h2", "http/1.1")) {
            assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(get(s, "/plaintext")).startsWith("HTTP/1.1 200").endsWith("Hello, World!");
        }
        try (SSLSocket s = connect()) { // no ALPN at all: still served
            assertThat(s.getApplicationProtocol()).isEmpty();
            assertThat(get(s, "/plaintext")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void curlSeesTheServerAcceptHttp11() throws Exception {
        String curl = ExternalTool.require("curl");
        String out = ExternalTool.run(curl, "-skv", "https://127.0.0.1:" + server.port() + "/plaintext");
        assertThat(out).containsPattern("ALPN[:,] server accepted (to use )?http/1.1").doesNotContain("did not agree")
                .endsWith("Hello, World!");
    }

    @Test
    void abandonedDownloadsGiveTheirFileBack() throws Exception {
        for (int i = 0; i < 5; i++) {
            SSLSocket s = connect("http/1.1");
            s.getOutputStream().write("GET /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(s.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
            if (i % 2 == 0) s.setSoLinger(true, 0); // a reset, as from a killed client; else close_notify and FIN
            s.close();
        }
        awaitNoDescriptorOn(big);
    }

    @Test
    void curlTimingOutInTheMiddleOfAFileGivesItBack() throws Exception {
        String curl = ExternalTool.require("curl");
        List<Process> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(new ProcessBuilder(curl, "-sk", "--limit-rate", "100k", "--max-time", "1.5", "-o", "/dev/null",
                    "-w", "%{size_download}", "https://127.0.0.1:" + server.port() + "/static/big.bin").start());
        }
        for (Process p : clients) {
            String downloaded = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("curl stopped by --max-time").isEqualTo(28);
            assertThat(Long.parseLong(downloaded)).as("curl got part of the file").isBetween(1L, BIG - 1L);
        }
        awaitNoDescriptorOn(big);
    }

    /** Polls /proc/self/fd; no garbage collection is asked for, so only the server's own close can pass this. */
    static void awaitNoDescriptorOn(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long open;
        while ((open = Descriptors.on(file)) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(open).as("descriptors of this process still open on " + file).isZero();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
