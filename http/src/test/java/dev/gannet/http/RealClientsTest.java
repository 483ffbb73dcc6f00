package dev.gannet.http;

import dev.gannet.testsupport.ExternalTool;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** curl and wrk against a real server: the clients users and benchmarks use. */
class RealClientsTest {
    static Server server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(HttpConfig.builder().server(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1).build()).build())
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send("Hello, World!".getBytes(StandardCharsets.US_ASCII)))
                .get("/json", (req, res) -> res.json(Map.of("message", "Hello, World!")))
                .post("/echo", (req, res) -> res.contentType("application/octet-stream").send(req.body()))
                .start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.shutdownGracefully(Duration.ofSeconds(1)).join();
    }

    @Test
    void curlGetsPostsAndReusesTheConnection() throws Exception {
        String curl = ExternalTool.require("curl");
        String out = ExternalTool.run(curl, "-sS", "-i", "--http1.1", base + "/plaintext");
        assertThat(out).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 13").endsWith("Hello, World!");
        assertThat(ExternalTool.run(curl, "-sS", base + "/json")).isEqualTo("{\"message\":\"Hello, World!\"}");
        // A 200 KB upload makes curl send Expect: 100-continue on some versions and chunked with -H: both must work.
        java.nio.file.Path big = java.nio.file.Files.createTempFile("gannet-upload", ".bin");
        try {
            java.nio.file.Files.writeString(big, "x".repeat(200_000));
            assertThat(ExternalTool.run(curl, "-sS", "--data-binary", "@" + big, base + "/echo")).hasSize(200_000);
        } finally {
            java.nio.file.Files.deleteIfExists(big);
        }
        assertThat(ExternalTool.run(curl, "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "chunky", base + "/echo")).isEqualTo("chunky");
        String twice = ExternalTool.run(curl, "-sS", "-v", base + "/plaintext", base + "/plaintext");
        assertThat(twice).contains("Re-using existing connection");
    }

    @Test
    void wrkSmokeTestHasNoErrors() throws Exception {
        String wrk = ExternalTool.require("wrk");
        String out = ExternalTool.run(wrk, "-t1", "-c16", "-d1s", base + "/plaintext");
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(1))).isGreaterThan(1000);
        assertThat(out).doesNotContain("Socket errors").doesNotContain("Non-2xx");
    }
}
