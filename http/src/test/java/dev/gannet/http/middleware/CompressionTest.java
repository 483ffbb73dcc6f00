package dev.gannet.http.middleware;

import dev.gannet.http.middleware.Compression.Coding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionTest {
    static final String BIG = "The quick brown fox jumps over the lazy dog. ".repeat(200);
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(app -> app
                .use(SecurityHeaders.create())
                .use(Compression.create())
                .get("/big", (req, res) -> res.text(BIG))
                .get("/small", (req, res) -> res.text("hello"))
                .get("/png", (req, res) -> res.contentType("image/png").send(BIG.getBytes(StandardCharsets.US_ASCII)))
                .get("/json", (req, res) -> res.json(Map.of("text", BIG)))
                .get("/precompressed", (req, res) -> res.contentType("text/plain").header("Content-Encoding", "br")
                        .send(BIG.getBytes(StandardCharsets.US_ASCII)))
                .get("/random", (req, res) -> {
                    byte[] noise = new byte[4096];
                    new java.util.Random(7).nextBytes(noise);
                    res.contentType("text/plain").send(noise);
                })
                .get("/empty", (req, res) -> res.status(204).end())
                .blocking().get("/blocking", (req, res) -> res.text(BIG)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String gunzip(byte[] b) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void gzipRoundTrip() throws Exception {
        HttpResponse<byte[]> r = server.getBytes("/big", "Accept-Encoding", "gzip, deflate");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.headers().allValues("vary")).contains("Accept-Encoding");
        assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(r.body().length));
        assertThat(r.body().length).isLessThan(BIG.length() / 5);
        assertThat(gunzip(r.body())).isEqualTo(BIG);
        // Chained with SecurityHeaders' filter: both ran.
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void deflateIsZlibWrapped() throws Exception {
        HttpResponse<byte[]> r = server.getBytes("/big", "Accept-Encoding", "deflate");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("deflate");
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(BIG);
        }
    }

    @Test
    void qZeroRefusesACoding() throws Exception {
        HttpResponse<byte[]> r = server.getBytes("/big", "Accept-Encoding", "gzip;q=0, deflate;q=0.5");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("deflate");

        r = server.getBytes("/big", "Accept-Encoding", "gzip;q=0");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(BIG);
        // Another client would have got gzip, so caches still need to know.
        assertThat(r.headers().allValues("vary")).contains("Accept-Encoding");

        r = server.getBytes("/big", "Accept-Encoding", "*;q=0, identity");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
    }

    @Test
    void noAcceptEncodingMeansIdentity() throws Exception {
        HttpResponse<String> r = server.get("/big");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.body()).isEqualTo(BIG);
    }

    @Test
    void smallIncompressibleAndPrecompressedBodiesAreUntouched() throws Exception {
        HttpResponse<String> small = server.get("/small", "Accept-Encoding", "gzip");
        assertThat(small.headers().firstValue("content-encoding")).isEmpty();
        assertThat(small.headers().allValues("vary")).doesNotContain("Accept-Encoding");
        assertThat(small.body()).isEqualTo("hello");

        HttpResponse<byte[]> png = server.getBytes("/png", "Accept-Encoding", "gzip");
        assertThat(png.headers().firstValue("content-encoding")).isEmpty();
        assertThat(png.body()).hasSize(BIG.length());

        HttpResponse<byte[]> br = server.getBytes("/precompressed", "Accept-Encoding", "gzip");
        assertThat(br.headers().allValues("content-encoding")).containsExactly("br");
        assertThat(br.body()).hasSize(BIG.length());

        // Random bytes do not shrink: sent as they are.
        HttpResponse<byte[]> noise = server.getBytes("/random", "Accept-Encoding", "gzip");
        assertThat(noise.headers().firstValue("content-encoding")).isEmpty();
        assertThat(noise.body()).hasSize(4096);
    }

    @Test
    void jsonAndBlockingRoutesAreCompressedToo() throws Exception {
        HttpResponse<byte[]> json = server.getBytes("/json", "Accept-Encoding", "gzip");
        assertThat(json.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(json.body())).isEqualTo("{\"text\":\"" + BIG + "\"}");
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> b = server.getBytes("/blocking", "Accept-Encoding", "gzip");
            assertThat(gunzip(b.body())).isEqualTo(BIG);
        }
    }

    @Test
    void headAnd204AreLeftAlone() throws Exception {
        try (TestServer.Raw raw = server.raw()) {
            TestServer.Resp head = raw.exchange("HEAD /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            assertThat(head.header("Content-Encoding")).isNull();
            assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(BIG.length()));
            TestServer.Resp empty = raw.exchange("GET /empty HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            assertThat(empty.status()).isEqualTo(204);
            assertThat(empty.header("Content-Encoding")).isNull();
            // The connection is still in step after both.
            TestServer.Resp big = raw.exchange("GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            assertThat(gunzip(big.body())).isEqualTo(BIG);
        }
    }

    @Test
    void negotiation() {
        assertThat(Compression.negotiate(null, true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Compression.negotiate("", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Compression.negotiate("gzip", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Compression.negotiate("deflate, gzip", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Compression.negotiate("deflate;q=1.0, gzip;q=0.8", true, true)).isEqualTo(Coding.DEFLATE);
        assertThat(Compression.negotiate("GZIP ; Q=0.5", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Compression.negotiate("x-gzip", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Compression.negotiate("*", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Compression.negotiate("*;q=0.5, gzip;q=0", true, true)).isEqualTo(Coding.DEFLATE);
        assertThat(Compression.negotiate("br, zstd", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Compression.negotiate("gzip;q=bogus, deflate", true, true)).isEqualTo(Coding.DEFLATE);
        assertThat(Compression.negotiate("gzip;q=2", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Compression.negotiate("gzip", false, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Compression.negotiate("gzip, deflate", false, true)).isEqualTo(Coding.DEFLATE);
    }

    @Test
    void contentTypes() {
        Compression c = Compression.create();
        assertThat(c.compressible("text/html; charset=utf-8")).isTrue();
        assertThat(c.compressible("application/json")).isTrue();
        assertThat(c.compressible("Application/JSON;charset=UTF-8")).isTrue();
        assertThat(c.compressible("application/problem+json")).isTrue();
        assertThat(c.compressible("image/svg+xml")).isTrue();
        assertThat(c.compressible("image/png")).isFalse();
        assertThat(c.compressible("application/octet-stream")).isFalse();
        assertThat(c.compressible(null)).isFalse();
    }

    @Test
    void compressedBytesAreSelfContainedAcrossCalls() throws Exception {
        // The per-thread compressor and scratch buffer are reused; each result must still be its own array.
        Compression c = Compression.create();
        byte[] a = c.compress(Coding.GZIP, BIG.getBytes(StandardCharsets.US_ASCII), 0, BIG.length());
        byte[] other = ("other text ".repeat(500)).getBytes(StandardCharsets.US_ASCII);
        byte[] b = c.compress(Coding.GZIP, other, 0, other.length);
        assertThat(gunzip(a)).isEqualTo(BIG);
        assertThat(gunzip(b)).isEqualTo("other text ".repeat(500));
        assertThat(c.compress(Coding.GZIP, new byte[10], 0, 10)).isNull();
    }
}
