package dev.gannet.http.middleware;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorsTest {
    static TestServer listed;
    static TestServer any;

    @BeforeAll
    static void start() throws IOException {
        listed = TestServer.start(app -> app
                .use(Cors.create(Cors.Config.builder()
                        .origins("https://app.example.com", "https://admin.example.com")
                        .methods("GET", "POST", "DELETE")
                        .headers("Content-Type", "X-Token")
                        .exposedHeaders("X-Total")
                        .credentials(true)
                        .maxAge(Duration.ofHours(1))
                        .build()))
                .get("/items", (req, res) -> res.header("X-Total", "3").text("items"))
                .delete("/items", (req, res) -> res.text("deleted")));
        any = TestServer.start(app -> app
                .use(Cors.create(Cors.Config.builder().anyOrigin().headers("*").build()))
                .get("/items", (req, res) -> res.text("items")));
    }

    @AfterAll
    static void stop() {
        listed.close();
        any.close();
    }

    private static TestServer.Resp send(TestServer s, String request) throws IOException {
        try (TestServer.Raw raw = s.raw()) {
            return raw.exchange(request);
        }
    }

    @Test
    void simpleRequestFromAnAllowedOrigin() throws Exception {
        TestServer.Resp r = send(listed, "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("items");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(r.header("Access-Control-Expose-Headers")).isEqualTo("X-Total");
        assertThat(r.all("Vary")).contains("Origin");
    }

    @Test
    void preflightIsAnsweredWithoutReachingTheRouter() throws Exception {
        // /items has no OPTIONS handler: without Cors this would be a 405.
        TestServer.Resp r = send(listed, "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://admin.example.com\r\n"
                + "Access-Control-Request-Method: DELETE\r\nAccess-Control-Request-Headers: x-token, content-type\r\n\r\n");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://admin.example.com");
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST, DELETE");
        assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type, X-Token");
        assertThat(r.header("Access-Control-Max-Age")).isEqualTo("3600");
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void disallowedOriginGetsNoCorsHeadersAndItsPreflight403() throws Exception {
        TestServer.Resp r = send(listed, "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example.net\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.hasHeaderStartingWith("Access-Control-")).isFalse();

        TestServer.Resp pre = send(listed, "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example.net\r\n"
                + "Access-Control-Request-Method: GET\r\n\r\n");
        assertThat(pre.status()).isEqualTo(403);
        assertThat(pre.hasHeaderStartingWith("Access-Control-")).isFalse();
    }

    @Test
    void preflightForAMethodOrHeaderNotAllowedIs403() throws Exception {
        TestServer.Resp method = send(listed, "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: PUT\r\n\r\n");
        assertThat(method.status()).isEqualTo(403);
        TestServer.Resp header = send(listed, "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: X-Other\r\n\r\n");
        assertThat(header.status()).isEqualTo(403);
        assertThat(header.hasHeaderStartingWith("Access-Control-")).isFalse();
    }

    @Test
    void plainOptionsAndRequestsWithoutOriginPassThrough() throws Exception {
        TestServer.Resp options = send(listed, "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\n\r\n");
        assertThat(options.status()).isEqualTo(405);
        TestServer.Resp noOrigin = send(listed, "GET /items HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noOrigin.status()).isEqualTo(200);
        assertThat(noOrigin.hasHeaderStartingWith("Access-Control-")).isFalse();
        assertThat(noOrigin.all("Vary")).contains("Origin");
    }

    @Test
    void wildcardOrigin() throws Exception {
        TestServer.Resp r = send(any, "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://whoever.example\r\n\r\n");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(r.all("Vary")).doesNotContain("Origin");
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();

        TestServer.Resp pre = send(any, "OPTIONS /anything HTTP/1.1\r\nHost: x\r\nOrigin: https://whoever.example\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: X-Custom\r\n\r\n");
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(pre.header("Access-Control-Allow-Headers")).isEqualTo("X-Custom");
    }
}
