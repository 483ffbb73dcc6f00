package dev.gannet.http;

import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A directory served over a real socket: sendfile, validators, ranges, index files, and no way out of the root. */
class StaticFilesTest {
    @TempDir
    Path dir;
    Server server;
    final HttpClient client = HttpClient.newHttpClient();
    byte[] data = new byte[16 * 1024];

    @BeforeEach
    void start() throws Exception {
        new java.util.Random(5).nextBytes(data);
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("16k.bin"), data);
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.css"), "body{}");
        Files.writeString(dir.resolve("secret.txt"), "do not serve");
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
        server = HttpServer.create(HttpConfig.builder().server(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1).build()).build())
                .get("/static/*", StaticFiles.of(root))
                .post("/drop/*", (req, res) -> res.text("dropped"))
                .start();
    }

    @AfterEach
    void stop() {
        server.shutdownGracefully(Duration.ofSeconds(1)).join();
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesFilesWithTypesAndValidators() throws Exception {
        HttpResponse<byte[]> r = get("/static/16k.bin");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
        String etag = r.headers().firstValue("etag").orElseThrow();
        String modified = r.headers().firstValue("last-modified").orElseThrow();
        assertThat(get("/static/16k.bin", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/static/16k.bin", "If-Modified-Since", modified).statusCode()).isEqualTo(304);
        assertThat(get("/static/docs/a.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(new String(get("/static/").body())).isEqualTo("<h1>home</h1>");
    }

    @Test
    void rangesGive206AndBadRanges416() throws Exception {
        HttpResponse<byte[]> r = get("/static/16k.bin", "Range", "bytes=100-199");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes 100-199/16384");
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));
        assertThat(get("/static/16k.bin", "Range", "bytes=-10").body()).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 10, data.length));
        assertThat(get("/static/16k.bin", "Range", "bytes=99999-").statusCode()).isEqualTo(416);
    }

    @Test
    void pathTraversalIsBlocked() throws Exception {
        for (String path : new String[] {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/docs/../../secret.txt",
                "/static/escape.txt", "/static/..%2fsecret.txt", "/static/%2e%2e%2fsecret.txt"}) {
            try (RawHttp raw = new RawHttp(server.port())) {
                RawHttp.Resp resp = raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertThat(resp.status()).as(path).isIn(400, 404);
                assertThat(resp.body()).as(path).doesNotContain("do not serve");
            }
        }
    }

    @Test
    void lastModifiedIsAnImfFixdateWithATwoDigitDay() throws Exception {
        Path file = dir.resolve("root/early.txt");
        Files.writeString(file, "dated");
        // The 7th: RFC_1123_DATE_TIME would print "Mon, 7 Dec 2026"; RFC 9110's IMF-fixdate needs "07".
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-12-07T08:09:05Z")));
        try (RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Resp resp = raw.send("GET /static/early.txt HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(resp.head()).contains("\r\nLast-Modified: Mon, 07 Dec 2026 08:09:05 GMT\r\n");
            // Every Date the server sends is an IMF-fixdate too.
            assertThat(resp.head()).containsPattern("\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} "
                    + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n");
        }
        assertThat(get("/static/early.txt", "If-Modified-Since", "Mon, 07 Dec 2026 08:09:05 GMT").statusCode()).isEqualTo(304);
        assertThat(get("/static/early.txt", "If-Modified-Since", "Sun, 06 Dec 2026 08:09:05 GMT").statusCode()).isEqualTo(200);
    }

    @Test
    void aDirectoryRouteWithoutItsTrailingSlashRedirects() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Resp resp = raw.send("GET /static HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(resp.status()).isEqualTo(301);
            assertThat(resp.head()).contains("\r\nLocation: /static/\r\n");
            // The query goes along; other methods keep theirs with 308.
            resp = raw.send("GET /static?v=2 HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(resp.status()).isEqualTo(301);
            assertThat(resp.head()).contains("\r\nLocation: /static/?v=2\r\n");
            resp = raw.send("POST /drop HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read();
            assertThat(resp.status()).isEqualTo(308);
            assertThat(resp.head()).contains("\r\nLocation: /drop/\r\n");
            // A directory inside the served one, likewise; a path that matches nothing stays a 404.
            Files.writeString(dir.resolve("root/docs/index.html"), "<h1>docs</h1>");
            resp = raw.send("GET /static/docs?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(resp.status()).isEqualTo(301);
            assertThat(resp.head()).contains("\r\nLocation: /static/docs/?x=1\r\n");
            assertThat(raw.send("GET /static/docs/ HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("<h1>docs</h1>");
            assertThat(raw.send("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(404);
            assertThat(raw.send("GET /stat HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(404);
        }
        // A client following the redirect gets the index.
        HttpResponse<String> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/static")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).isEqualTo("<h1>home</h1>");
    }
}
